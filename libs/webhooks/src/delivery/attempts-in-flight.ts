/**
 * The attempts a worker is making, for its shutdown: once `stopping`, attempts that have not
 * sent their request yet are put back (the caller checks `stopping` before it sends), and
 * `settle` waits for the ones being sent, at most `timeoutMs`.
 */
export class AttemptsInFlight {
  private readonly attempts = new Set<Promise<unknown>>();
  private stopped = false;

  get stopping(): boolean {
    return this.stopped;
  }

  track<T>(attempt: Promise<T>): Promise<T> {
    this.attempts.add(attempt);
    void attempt.finally(() => this.attempts.delete(attempt)).catch(() => undefined);
    return attempt;
  }

  /** Stops, then resolves once every attempt under way ended, or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      await Promise.race([Promise.allSettled([...this.attempts]), bound]);
    } finally {
      clearTimeout(timer);
    }
  }
}
