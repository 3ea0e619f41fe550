// Builds the library (the process fixtures load it as a host does, from its dist/) and compiles
// the process fixtures that tests run as separate, killable processes.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const output = join(root, 'dist/test-fixtures/test/fixtures/webhooks-process.js');

module.exports = async () => {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'libs/webhooks/tsconfig.lib.json')], { stdio: 'pipe', cwd: root });
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'test/fixtures/tsconfig.json')], { stdio: 'pipe', cwd: root });
  } catch (error) {
    // Type errors are the type check's business (npm run typecheck); the emitted code still runs.
    if (!existsSync(output)) throw error;
  }
};
