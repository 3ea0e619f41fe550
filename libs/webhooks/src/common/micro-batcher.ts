/**
 * When a batch starts: `tick`, once the code that made the first request has run (the
 * requests of one job, made in one go); `turn`, once the event loop has handled all the I/O
 * it had (the responses that arrived together, each in a callback of its own).
 */
export type Gathering = 'tick' | 'turn';

/**
 * Runs many small requests as few batches (group commit): the requests made in one tick of the
 * event loop, or in one turn of it (`gather`), go together (a batch job's deliveries are claimed
 * in one statement, the responses read in one turn recorded in one), and a request
 * made while the batches in flight are at their limit waits: the next batch takes every request
 * waiting by then. At low load each request is its own batch and waits for nothing but the
 * current tick; under load the batches grow by themselves, so one statement serves many
 * deliveries instead of one each.
 *
 * `run` answers each item in order (an array as long as the batch). When it throws, each
 * item is retried on its own, so one bad item (or a deadlock between two batches) fails
 * only its own caller.
 */
export class MicroBatcher<Item, Answer> {
  private waiting: Array<{ item: Item; resolve: (answer: Answer) => void; reject: (error: unknown) => void }> = [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    private readonly run: (items: Item[]) => Promise<Answer[]>,
    private readonly limits: { maxBatch: number; maxInFlight: number; gather?: Gathering },
  ) {}

  submit(item: Item): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      const flush = () => {
        this.flushScheduled = false;
        this.flush();
      };
      if (this.limits.gather === 'turn') setImmediate(flush);
      else queueMicrotask(flush);
    });
  }

  private flush(): void {
    while (this.waiting.length > 0 && this.inFlight < this.limits.maxInFlight) {
      const batch = this.waiting.splice(0, this.limits.maxBatch);
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async runBatch(batch: typeof this.waiting): Promise<void> {
    try {
      const answers = await this.run(batch.map((request) => request.item));
      batch.forEach((request, i) => request.resolve(answers[i]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(
        batch.map(async (request) => {
          try {
            request.resolve((await this.run([request.item]))[0]);
          } catch (single) {
            request.reject(single);
          }
        }),
      );
    }
  }
}
