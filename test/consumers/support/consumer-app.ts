import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { waitFor } from '../../support/wait-for';
import { addedLines, applyEdits, type QuickstartEdit } from './quickstart';

const CONSUMERS = join(process.cwd(), 'test/consumers');
/** Written by the consumers' global setup. */
export const TARBALL_FILE = join(process.cwd(), 'dist/consumers/tarball.txt');
export const NODE24_FILE = join(process.cwd(), 'dist/consumers/node24.txt');

export interface CommandResult {
  code: number | null;
  output: string;
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || options.allowFailure) resolve({ code, output });
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** What importing an entry point in a fresh Node process loaded (packages), or the error it threw. */
export interface EntryPointLoad {
  entry: string;
  loaded: string[];
  error: string | null;
}

const ENTRY_CHECK = `import module from 'node:module';
const loaded = new Set();
const record = (location) => {
  const found = String(location).match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//g);
  if (found) loaded.add(found[found.length - 1].slice('node_modules/'.length, -1));
};
// Node 22.15+: in-thread hooks see every module, required or imported. Node 20: the CommonJS cache.
if (module.registerHooks) module.registerHooks({ load(url, context, next) { record(url); return next(url, context); } });
let error = null;
try { await import(process.argv[2]); } catch (caught) { error = caught.message; }
for (const file of Object.keys(module.createRequire(import.meta.url).cache)) record(file);
loaded.delete('nestjs-webhooks');
console.log(JSON.stringify({ entry: process.argv[2], loaded: [...loaded].sort(), error }));
`;

/**
 * A host app outside the repository: the files `nest new` makes (a skeleton), the README's
 * quickstart applied to them, the packed tarball installed from the registry's packages.
 */
export class ConsumerApp {
  private process?: ChildProcess;
  private log = '';
  url = '';

  private constructor(
    readonly dir: string,
    private readonly skeleton: string,
  ) {}

  /** A fresh folder in the system's temp folder, outside the repository's tree. */
  static async create(skeleton: string): Promise<ConsumerApp> {
    const dir = await mkdtemp(join(tmpdir(), `nestjs-webhooks-consumer-${skeleton}-`));
    const app = new ConsumerApp(dir, skeleton);
    await copyTree(join(CONSUMERS, 'skeletons', skeleton), dir);
    await writeFile(join(dir, 'check-entry.mjs'), ENTRY_CHECK);
    return app;
  }

  /** Applies edits to the app's sources; returns the lines they added. */
  async edit(edits: readonly QuickstartEdit[]): Promise<string[]> {
    const files = new Map<string, string>();
    for (const file of new Set(edits.map((edit) => edit.file))) files.set(file, await readFile(join(this.dir, file), 'utf8'));
    const edited = applyEdits(files, edits);
    for (const [file, text] of edited) await writeFile(join(this.dir, file), text);
    return addedLines(files, edited);
  }

  async addFile(from: string, to: string): Promise<void> {
    await copyFile(join(CONSUMERS, from), join(this.dir, to));
  }

  async writePackageJson(manifest: object): Promise<void> {
    await writeFile(join(this.dir, 'package.json'), `${JSON.stringify({ name: `consumer-${this.skeleton}`, version: '0.0.0', private: true, ...manifest }, null, 2)}\n`);
  }

  install(...packages: string[]): Promise<CommandResult> {
    return run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packages], { cwd: this.dir });
  }

  build(): Promise<CommandResult> {
    return run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: this.dir });
  }

  /** Imports an entry point in a fresh Node process and tells what it loaded. */
  async loadEntryPoint(entry: string, node = process.execPath): Promise<EntryPointLoad> {
    const { output } = await run(node, ['check-entry.mjs', entry], { cwd: this.dir });
    return JSON.parse(output.trim().split('\n').pop()!) as EntryPointLoad;
  }

  /** Starts `dist/main.js` and waits until it answers HTTP. */
  async start(env: Record<string, string>, node = process.execPath): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.log = '';
    const child = spawn(node, ['dist/main.js'], { cwd: this.dir, env: { ...process.env, NODE_ENV: 'development', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.log += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk));
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}):\n${this.log.slice(-4000)}`);
        return fetch(this.url).then((response) => response.status === 200, () => false);
      },
      { timeoutMs: 60_000, what: 'the consumer app to answer' },
    );
  }

  /** Runs `dist/main.js` expecting it to fail at start; returns what it printed. */
  async failToStart(env: Record<string, string>): Promise<CommandResult> {
    return run(process.execPath, ['dist/main.js'], { cwd: this.dir, env: { ...env, PORT: String(await freePort()) }, allowFailure: true });
  }

  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export async function readTarball(): Promise<string> {
  return (await readFile(TARBALL_FILE, 'utf8')).trim();
}

export async function readNode24(): Promise<string> {
  return (await readFile(NODE24_FILE, 'utf8')).trim();
}

async function copyTree(from: string, to: string): Promise<void> {
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      await mkdir(target, { recursive: true });
      await copyTree(source, target);
    } else {
      await mkdir(dirname(target), { recursive: true });
      await copyFile(source, target);
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
