import { describe, expect, it } from '@jest/globals';
import { Places } from './places';

/** Whether the promise has settled, after the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('Places', () => {
  it('lets `limit` holders in at once and the next one when a place is freed', async () => {
    const places = new Places(2);
    const first = await places.acquire();
    await places.acquire();
    const third = places.acquire();
    expect(await settled(third)).toBe(false);
    first();
    first(); // a second release frees nothing more
    expect(await settled(third)).toBe(true);
    expect(await settled(places.acquire())).toBe(false);
  });

  it('counts places: a holder of many waits until they all fit, and those after it wait their turn', async () => {
    const places = new Places(10);
    const small = await places.acquire(4);
    const big = places.acquire(8);
    const later = places.acquire(1);
    expect(await settled(big)).toBe(false);
    expect(await settled(later)).toBe(false); // served in order: it does not overtake the waiting 8
    small();
    expect(await settled(big)).toBe(true);
    expect(await settled(later)).toBe(true);
  });

  it('gives more places than the limit to one holder once all are free', async () => {
    const places = new Places(10);
    const some = await places.acquire(3);
    const huge = places.acquire(25);
    expect(await settled(huge)).toBe(false);
    some();
    const release = await huge;
    expect(await settled(places.acquire(1))).toBe(false);
    release();
  });

  it('takes places back one at a time, as the deliveries of a batch job finish', async () => {
    const places = new Places(10);
    const job = await places.acquire(10);
    const next = places.acquire(3);
    job(1);
    job(1);
    expect(await settled(next)).toBe(false);
    job(1);
    expect(await settled(next)).toBe(true);
    job(); // the rest
    job(5); // nothing more is held
    expect(await settled(places.acquire(7))).toBe(true);
    expect(await settled(places.acquire(1))).toBe(false);
  });
});
