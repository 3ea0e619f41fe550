import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { WebhooksModuleOptions } from 'nestjs-webhooks';

const FIXTURE = join(process.cwd(), 'dist/test-fixtures/test/fixtures/webhooks-process.js');

export interface WebhooksProcessConfig {
  mode: 'worker' | 'api' | 'publish-in-transaction';
  databaseUrl: string;
  databaseType?: 'postgres' | 'mariadb';
  typeormMigrationsRun?: boolean;
  /** `api` mode: the HTTP port. */
  port?: number;
  webhooks: WebhooksModuleOptions;
  count?: number;
  tenantId?: string;
}

/** The webhooks module in a separate process (compiled by test/global-setup.cjs), killable. */
export class WebhooksProcess {
  private output = '';
  /** What the process wrote to stderr. */
  errors = '';
  private readonly lineWaiters: Array<{ line: string; resolve: () => void }> = [];
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
      for (const waiter of [...this.lineWaiters]) {
        if (this.output.split('\n').includes(waiter.line)) {
          this.lineWaiters.splice(this.lineWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.errors += chunk.toString();
      process.stderr.write(`[webhooks process ${child.pid}] ${chunk}`);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(config: WebhooksProcessConfig): WebhooksProcess {
    return new WebhooksProcess(spawn(process.execPath, [FIXTURE], { env: { ...process.env, WEBHOOKS_PROCESS_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Resolves when the process printed this line; rejects if it exits first or after the limit. */
  waitForLine(line: string, timeoutMs = 30_000): Promise<void> {
    if (this.output.split('\n').includes(line)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`process did not print "${line}"`)), timeoutMs);
      void this.exited.then((code) => reject(new Error(`process exited (${code}) before printing "${line}"`)));
      this.lineWaiters.push({ line, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}
