// Builds the library (the benchmarks load it as a host does, from its dist/) and compiles the
// benchmarks to dist/bench.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/bench/bench/run.js');

execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'libs/webhooks/tsconfig.lib.json')], { stdio: 'inherit', cwd: root });
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.json')], { stdio: 'pipe', cwd: root });
} catch (error) {
  // Type errors are the type check's business (npm run typecheck); the emitted code still runs.
  if (!existsSync(entry)) throw error;
  const output = String(error.stdout ?? '').trim();
  process.stderr.write(`bench: type errors while compiling, running the emitted code anyway:\n${output}\n`);
}
