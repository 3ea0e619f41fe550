// Compiles the process fixture that tests run as separate (killable) processes.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const output = join(root, 'dist/test-fixtures/test/fixtures/webhooks-process.js');

module.exports = async () => {
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'test/fixtures/tsconfig.json')], { stdio: 'pipe', cwd: root });
  } catch (error) {
    // Type errors are the type check's business (npm run typecheck); the emitted code still runs.
    if (!existsSync(output)) throw error;
  }
};
