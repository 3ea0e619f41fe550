// NestJS 12 packages are ESM-only, so Jest runs in native ESM mode
// (node --experimental-vm-modules, see the "test" script).
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  // `nestjs-webhooks` resolves, through its own package.json, to the library's sources: the
  // tests see exactly its public entry points, without a build.
  testEnvironmentOptions: { customExportConditions: ['nestjs-webhooks-source', 'node', 'node-addons'] },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
};

module.exports = {
  // Generous: e2e tests wait for conditions, and a stuck one should fail, not hang CI.
  testTimeout: 60_000,
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/libs/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.cjs',
    },
    // Not part of `npm test` (see the test:consumers script): installs the packed tarball into
    // fresh apps outside the repository, from the npm registry.
    {
      ...shared,
      displayName: 'consumers',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/consumers/**/*.consumer-spec.ts'],
      globalSetup: '<rootDir>/test/consumers/global-setup.cjs',
    },
  ],
};
