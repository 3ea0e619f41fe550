import type { CpuShares } from './cpu-usage';
import type { Figure } from './report';
import type { CpuRow, TargetRow } from './summary';

/** What the scenarios of one run share: the figures, details and measured references. */
export class BenchContext {
  readonly figures: Figure[] = [];
  readonly details: Record<string, unknown> = {};
  readonly targets: TargetRow[] = [];
  readonly cpuRows: CpuRow[] = [];
  private readonly references = new Map<string, Promise<unknown>>();
  private readonly started = Date.now();

  constructor(
    /** When set, sending processes write CPU profiles here. */
    readonly profileDir?: string,
  ) {}

  figure(figure: Figure): void {
    this.figures.push(figure);
  }

  /** A row of the closing summary. */
  target(row: TargetRow): void {
    this.targets.push(row);
  }

  /** The CPU a measured run used, per process group, for the per-delivery table (once per run measured). */
  cpu(scenario: string, name: string, deliveries: number, cpu: CpuShares | undefined): void {
    if (cpu && !this.cpuRows.some((row) => row.scenario === scenario && row.name === name)) this.cpuRows.push({ scenario, name, deliveries, cpu });
  }

  detail(scenario: string, data: Record<string, unknown>): void {
    this.details[scenario] = { ...(this.details[scenario] as object | undefined), ...data };
  }

  /** Measures a reference once per run (a baseline several scenarios compare against). */
  reference<T>(key: string, measure: () => Promise<T>): Promise<T> {
    if (!this.references.has(key)) this.references.set(key, measure());
    return this.references.get(key) as Promise<T>;
  }

  log(message: string): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[bench ${seconds}s] ${message}\n`);
  }
}

/** Undoes what a scenario set up, last first, whatever happened in between. */
export class Teardown {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];

  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`bench: teardown step failed: ${(error as Error).message}\n`);
      }
    }
  }
}

export async function withTeardown<T>(work: (teardown: Teardown) => Promise<T>): Promise<T> {
  const teardown = new Teardown();
  try {
    return await work(teardown);
  } finally {
    await teardown.run();
  }
}
