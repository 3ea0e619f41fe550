// NestJS 12 packages are ESM-only, so Jest runs in native ESM mode
// (node --experimental-vm-modules, see the "test" script).
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleNameMapper: {
    '^@app/webhooks$': '<rootDir>/libs/webhooks/src/index.ts',
    '^@app/webhooks/(.*)$': '<rootDir>/libs/webhooks/src/$1',
  },
};

module.exports = {
  // Generous: e2e tests wait for conditions, and a stuck one should fail, not hang CI.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', rootDir: __dirname, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], globalSetup: '<rootDir>/test/global-setup.cjs' },
  ],
};
