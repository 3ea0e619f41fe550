import { MicroBatcher } from './micro-batcher';

/** A batch function whose batches the test finishes by hand, recording what each held. */
function controlledRun() {
  const batches: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const run = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ items, finish: () => resolve(items.map((item) => `answer ${item}`)), fail: reject });
    });
  return { batches, run };
}

/** Lets every pending promise callback run (the batcher starts the next batch in one). */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('MicroBatcher', () => {
  it('runs a request once the current tick ends when no batch is in flight', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 10, maxInFlight: 1 });

    const answer = batcher.submit(1);
    expect(batches).toHaveLength(0);
    await Promise.resolve();
    expect(batches.map((batch) => batch.items)).toEqual([[1]]);
    batches[0].finish();
    await expect(answer).resolves.toBe('answer 1');
  });

  it('runs the requests of one tick as one batch, and gathers those made while it runs into the next', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 10, maxInFlight: 1 });

    const first = [1, 2].map((item) => batcher.submit(item));
    await settled();
    const later = [3, 4].map((item) => batcher.submit(item));
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2]]);
    batches[0].finish();
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3, 4]]);
    batches[1].finish();
    await expect(Promise.all([...first, ...later])).resolves.toEqual(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
  });

  it('keeps to the batch size and to the batches in flight', async () => {
    const { batches, run } = controlledRun();
    const batcher = new MicroBatcher(run, { maxBatch: 2, maxInFlight: 2 });

    const answers = [1, 2, 3, 4, 5, 6, 7].map((item) => batcher.submit(item));
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3, 4]]);
    batches[0].finish();
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3, 4], [5, 6]]);
    batches[1].finish();
    batches[2].finish();
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3, 4], [5, 6], [7]]);
    batches[3].finish();
    await expect(Promise.all(answers)).resolves.toHaveLength(7);
  });

  it('retries each item of a failed batch alone, so only the bad one fails', async () => {
    const seen: number[][] = [];
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        seen.push(items);
        if (items.includes(3)) throw new Error(`item 3 is bad`);
        return items.map((item) => item * 10);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );

    const results = await Promise.allSettled([1, 2, 3, 4].map((item) => batcher.submit(item)));
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      10,
      20,
      'item 3 is bad',
      40,
    ]);
    expect(seen).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('gathering over a turn, takes the requests made in separate callbacks of one turn of the event loop together', async () => {
    const { batches, run } = controlledRun();
    const ticks = new MicroBatcher(run, { maxBatch: 10, maxInFlight: 4 });
    const turns = new MicroBatcher(run, { maxBatch: 10, maxInFlight: 4, gather: 'turn' });

    // As responses arrive: each in a callback of its own, within one turn.
    await new Promise<void>((resolve) => {
      setTimeout(() => void ticks.submit(1), 0);
      setTimeout(() => void ticks.submit(2), 0);
      setTimeout(() => void turns.submit(3), 0);
      setTimeout(() => void turns.submit(4), 0);
      setTimeout(resolve, 0);
    });
    await settled();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2], [3, 4]]);
  });
});
