import type { Logger } from '@nestjs/common';

/**
 * A background job of one process: runs every `intervalMs` (the timer does not keep the
 * process alive), never twice at once (a call while a run is under way joins that run), and
 * waits for the run under way when stopped. A failed run is logged; the next one comes anyway.
 */
export class PeriodicTask<T> {
  private timer?: NodeJS.Timeout;
  private running?: Promise<T>;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number, work: () => Promise<T>): void {
    this.timer = setInterval(() => void this.runOnce(work).catch((error: Error) => this.logger.warn(`${this.name} failed: ${error.message}`)), intervalMs);
    this.timer.unref();
  }

  runOnce(work: () => Promise<T>): Promise<T> {
    this.running ??= work().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
