/**
 * At most `limit` requests out at once in this process (the `concurrency` option), whichever
 * dispatcher handed the attempts over. Only the request holds a place: claims and records of
 * the attempts waiting or done meanwhile are batched by the storage, so a batch job's
 * deliveries are claimed together and recorded together.
 */
export class RequestGate {
  private out = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Resolves with the release of a place once one is free. */
  async acquire(): Promise<() => void> {
    if (this.out < this.limit) this.out++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The place passes straight to the next waiter, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.out--;
    };
  }
}
