import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './own-services';
import { waitFor } from './wait-for';

// Redis topologies of a test's own, on ports of their own, in a temp folder: a three-master
// cluster, and a server behind a Sentinel. Nothing is kept on disk.

function redisCli(port: number, ...args: string[]): string {
  const result = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout : '';
}

async function stopAll(processes: ChildProcess[], folder: string): Promise<void> {
  await Promise.all(
    processes.map((child) => {
      if (child.exitCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      return exited;
    }),
  );
  rmSync(folder, { recursive: true, force: true });
}

/** Three masters, no replicas, every slot assigned. */
export class OwnRedisCluster {
  private constructor(
    readonly ports: number[],
    private readonly processes: ChildProcess[],
    private readonly folder: string,
  ) {}

  static async start(): Promise<OwnRedisCluster> {
    const folder = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
    const ports = [await freePort(), await freePort(), await freePort()];
    const processes = ports.map((port) =>
      spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', join(folder, `nodes-${port}.conf`), '--save', '', '--appendonly', 'no', '--dir', folder],
        { stdio: 'ignore' },
      ),
    );
    const cluster = new OwnRedisCluster(ports, processes, folder);
    await waitFor(() => ports.every((port) => redisCli(port, 'PING').trim() === 'PONG'), { timeoutMs: 10_000, what: 'the cluster nodes' });
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    await waitFor(() => ports.every((port) => redisCli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok')), { timeoutMs: 20_000, what: 'cluster_state:ok on every node' });
    return cluster;
  }

  get nodes(): Array<{ host: string; port: number }> {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** How many keys each node holds. */
  keyCounts(): number[] {
    return this.ports.map((port) => Number(redisCli(port, 'DBSIZE').trim()));
  }

  stop(): Promise<void> {
    return stopAll(this.processes, this.folder);
  }
}

/** A Redis server and one Sentinel that monitors it as `name`. */
export class OwnRedisSentinel {
  readonly name = 'webhooks-primary';

  private constructor(
    readonly serverPort: number,
    readonly sentinelPort: number,
    private readonly processes: ChildProcess[],
    private readonly folder: string,
  ) {}

  static async start(): Promise<OwnRedisSentinel> {
    const folder = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
    const [serverPort, sentinelPort] = [await freePort(), await freePort()];
    const server = spawn('redis-server', ['--port', String(serverPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder], { stdio: 'ignore' });
    const config = join(folder, 'sentinel.conf');
    writeFileSync(config, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${folder}`, `sentinel monitor webhooks-primary 127.0.0.1 ${serverPort} 1`, ''].join('\n'));
    const sentinel = spawn('redis-server', [config, '--sentinel'], { stdio: 'ignore' });
    const own = new OwnRedisSentinel(serverPort, sentinelPort, [server, sentinel], folder);
    await waitFor(() => redisCli(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', own.name).includes(String(serverPort)), {
      timeoutMs: 10_000,
      what: 'the Sentinel naming the server',
    });
    return own;
  }

  /** How many keys the server holds. */
  keyCount(): number {
    return Number(redisCli(this.serverPort, 'DBSIZE').trim());
  }

  stop(): Promise<void> {
    return stopAll(this.processes, this.folder);
  }
}
