import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DeliveryProcessConfig } from '../processes/delivery-process';

export type ParentCommand = { cmd: 'go' } | { cmd: 'publish'; count: number; concurrency: number } | { cmd: 'stop' };

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'done' }
  | { type: 'published'; deliveries: number }
  | { type: 'memory'; rss: number; heapUsed: number }
  | { type: 'error'; message: string };

const ENTRY = join(__dirname, '../processes/delivery-process.js');
const STOP_GRACE_MS = 20_000;

export interface ProcessOptions {
  /** Write a V8 CPU profile of the process to this directory when it exits. */
  profileDir?: string;
  /** Name of the profile file. */
  label?: string;
}

/** The sending process of a scenario (compiled `bench/processes/delivery-process.ts`). */
export class DeliveryProcess {
  /** Largest resident set size the process reported, in bytes. */
  peakRss = 0;
  lastRss = 0;
  /** Largest V8 heap in use it reported, in bytes: what RSS holds beyond code and free heap. */
  peakHeapUsed = 0;
  private readonly listeners = new Set<(message: ChildMessage) => void>();
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'memory') {
        this.lastRss = message.rss;
        this.peakRss = Math.max(this.peakRss, message.rss);
        this.peakHeapUsed = Math.max(this.peakHeapUsed, message.heapUsed);
      }
      if (message.type === 'error') process.stderr.write(`[delivery process ${child.pid}] ${message.message}\n`);
      for (const listener of [...this.listeners]) listener(message);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static async start(config: DeliveryProcessConfig, options: ProcessOptions = {}): Promise<DeliveryProcess> {
    const execArgv = options.profileDir
      ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir, '--cpu-prof-name', `${options.label ?? config.mode}.cpuprofile`]
      : [];
    // To explore, e.g. a heap cap: BENCH_WORKER_NODE_FLAGS="--max-old-space-size=128" (reported runs use none).
    if (process.env.BENCH_WORKER_NODE_FLAGS) execArgv.push(...process.env.BENCH_WORKER_NODE_FLAGS.trim().split(/\s+/));
    const child = fork(ENTRY, [], {
      env: { ...process.env, BENCH_PROCESS_CONFIG: JSON.stringify(config) },
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const started = new DeliveryProcess(child);
    await started.next('ready', 60_000);
    return started;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(command: ParentCommand): void {
    this.child.send(command);
  }

  /** Resolves with the next message of this type; rejects on an error message, exit or timeout. */
  next<T extends ChildMessage['type']>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        settle();
      };
      const timer = setTimeout(() => done(() => reject(new Error(`delivery process sent no "${type}" within ${timeoutMs} ms`))), timeoutMs);
      const listener = (message: ChildMessage) => {
        if (message.type === type) done(() => resolve(message as Extract<ChildMessage, { type: T }>));
        else if (message.type === 'error') done(() => reject(new Error(message.message)));
      };
      this.listeners.add(listener);
      void this.exited.then((code) => done(() => reject(new Error(`delivery process exited (${code}) before "${type}"`))));
    });
  }

  /** Asks the process to close its app and exit (so a CPU profile gets written); kills it if it does not. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ cmd: 'stop' } satisfies ParentCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
