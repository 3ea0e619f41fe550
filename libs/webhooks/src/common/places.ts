/**
 * At most `limit` places taken at once: the requests out of a worker process (the `concurrency`
 * option, one place each), or the deliveries of the batch jobs it runs (a place per delivery).
 * Those who wait are served in the order they asked; one asking for more than `limit` gets its
 * places once all are free, so that nothing waits forever.
 */
export class Places {
  private taken = 0;
  private readonly waiting: Array<{ count: number; admit: () => void }> = [];

  constructor(private readonly limit: number) {}

  /**
   * Resolves once `count` places are free, with their release: of `some` of them (a batch job's
   * delivery that is done), or of all those still held.
   */
  async acquire(count = 1): Promise<(some?: number) => void> {
    if (this.waiting.length === 0 && this.fits(count)) this.taken += count;
    else await new Promise<void>((admit) => this.waiting.push({ count, admit }));
    let held = count;
    return (some = held) => {
      const freed = Math.min(some, held);
      if (freed <= 0) return;
      held -= freed;
      this.taken -= freed;
      this.admitWaiting();
    };
  }

  private fits(count: number): boolean {
    return this.taken === 0 || this.taken + count <= this.limit;
  }

  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0].count)) {
      const next = this.waiting.shift()!;
      this.taken += next.count;
      next.admit();
    }
  }
}
