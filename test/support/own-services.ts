import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

// Services of a test's own, on ports of their own: tests that stop, kill or restart a service
// do it to these, never to the machine's shared PostgreSQL and Redis.

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A Redis server that keeps nothing on disk: a restart starts it empty. */
export class OwnRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again (empty); resolves once it accepts connections. */
  async restart(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()], { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port), { timeoutMs: 10_000, what: `Redis on port ${this.port}` });
  }

  /** Kills it at once (SIGKILL): connections drop, everything it held is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

const POSTGRES_BIN = (() => {
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  return versions.length > 0 ? join('/usr/lib/postgresql', versions[versions.length - 1], 'bin') : '';
})();

/** Runs a PostgreSQL tool as the `postgres` user when the tests run as root (initdb refuses root). */
function asPostgres(tool: string, args: string[]): void {
  const command = process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, tool), ...args]] : [join(POSTGRES_BIN, tool), args];
  const result = spawnSync(command[0] as string, command[1] as string[], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`);
}

/** A PostgreSQL cluster in a temp folder, trust auth, on its own port. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'webhooks-pg-'));
    if (process.getuid?.() === 0) spawnSync('chown', ['postgres', dir]);
    asPostgres('initdb', ['-D', join(dir, 'data'), '--auth=trust', '-U', 'postgres', '-E', 'UTF8']);
    const postgres = new OwnPostgres(await freePort(), dir);
    await postgres.restart();
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  /** Starts it (again); resolves once it accepts connections. */
  async restart(): Promise<void> {
    asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-o', `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(this.dir, 'log'), '-w', 'start']);
    await waitFor(() => canConnect(this.port), { timeoutMs: 20_000, what: `PostgreSQL on port ${this.port}` });
  }

  /** Stops it at once (immediate shutdown: no checkpoint, connections dropped). */
  stop(): void {
    asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  /** Stops it and removes its files. */
  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
