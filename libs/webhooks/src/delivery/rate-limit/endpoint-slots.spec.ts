import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { EndpointSlots, SLOW_REQUEST_MS, type SlotAnswer } from './endpoint-slots';

const TIMEOUT_MS = 5_000;

describe('EndpointSlots', () => {
  let slots: EndpointSlots;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    slots = new EndpointSlots(() => Date.now());
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  const go = async (endpointId: string) => {
    const answer = await slots.take(endpointId, 2, TIMEOUT_MS);
    if (answer.kind !== 'go') throw new Error(`expected a slot, got ${answer.kind}`);
    return answer.release;
  };

  it('gives slots up to the limit, per endpoint', async () => {
    await go('a');
    await go('a');
    await go('b');
    expect(slots.inFlight('a')).toBe(2);
    expect(slots.inFlight('b')).toBe(1);
  });

  it('at the limit of a fast endpoint, waits for the next released slot', async () => {
    const first = await go('a');
    await go('a');
    let answer: SlotAnswer | undefined;
    void slots.take('a', 2, TIMEOUT_MS).then((taken) => (answer = taken));
    await jest.advanceTimersByTimeAsync(SLOW_REQUEST_MS / 2);
    expect(answer).toBeUndefined();

    first();
    await jest.advanceTimersByTimeAsync(0);
    expect(answer?.kind).toBe('go');
    expect(slots.inFlight('a')).toBe(2);
  });

  it('once the oldest request is slow, answers wait until that request times out', async () => {
    const startedAt = Date.now();
    await go('a');
    await go('a');
    let answer: SlotAnswer | undefined;
    void slots.take('a', 2, TIMEOUT_MS).then((taken) => (answer = taken));
    await jest.advanceTimersByTimeAsync(SLOW_REQUEST_MS);
    expect(answer).toEqual({ kind: 'wait', until: new Date(startedAt + TIMEOUT_MS) });

    // Later arrivals do not wait in the process at all.
    await expect(slots.take('a', 2, TIMEOUT_MS)).resolves.toEqual({ kind: 'wait', until: new Date(startedAt + TIMEOUT_MS) });
  });

  it('a release counts once, and an idle endpoint is forgotten', async () => {
    const release = await go('a');
    release();
    release();
    expect(slots.inFlight('a')).toBe(0);
    await go('a');
    await go('a');
    expect(slots.inFlight('a')).toBe(2);
  });

  describe('the cap grows with answers and shrinks with timeouts', () => {
    const LIMIT = 8;
    const take = (endpointId: string) => slots.take(endpointId, LIMIT, TIMEOUT_MS);
    const taken = async (endpointId: string) => {
      const answer = await take(endpointId);
      if (answer.kind !== 'go') throw new Error(`expected a slot, got ${answer.kind}`);
      return answer.release;
    };

    it('each timeout halves the cap, each answer doubles it back up to the limit', async () => {
      const releases = await Promise.all(Array.from({ length: LIMIT }, () => taken('a')));
      expect(slots.capOf('a')).toBe(LIMIT);
      releases[0]({ timedOut: true });
      releases[1]({ timedOut: true });
      expect(slots.capOf('a')).toBe(LIMIT / 4);
      // Six still out, the cap two, the last request timed out: the next is told to wait.
      expect((await take('a')).kind).toBe('wait');

      // One still out, so that the endpoint is not forgotten.
      for (const release of releases.slice(2, -1)) release({ timedOut: false });
      expect(slots.capOf('a')).toBe(LIMIT);
      expect((await take('a')).kind).toBe('go');
    });

    it('tells to wait until a little later, never a time already past, when the oldest request outlives its timeout', async () => {
      (await taken('a'))({ timedOut: true });
      for (let i = 0; i < LIMIT / 2; i++) await taken('a');
      await jest.advanceTimersByTimeAsync(TIMEOUT_MS * 2);
      await expect(take('a')).resolves.toEqual({ kind: 'wait', until: new Date(Date.now() + SLOW_REQUEST_MS) });
    });

    it('the cap goes down to one, and the endpoint is remembered while idle', async () => {
      const releases = [await taken('a'), await taken('a')];
      releases[0]({ timedOut: true });
      releases[1]({ timedOut: true });
      for (let i = 0; i < 3; i++) (await taken('a'))({ timedOut: true });
      expect(slots.inFlight('a')).toBe(0);
      expect(slots.capOf('a')).toBe(1);

      // Its last request timed out: at the cap, the next delivery waits for this request's timeout, not in the process.
      const startedAt = Date.now();
      await taken('a');
      await expect(take('a')).resolves.toEqual({ kind: 'wait', until: new Date(startedAt + TIMEOUT_MS) });
    });

    it('an attempt that sent nothing leaves the cap as it was', async () => {
      (await taken('a'))({ timedOut: true });
      const release = await taken('a');
      await taken('a');
      release();
      expect(slots.capOf('a')).toBe(LIMIT / 2);
    });
  });
});
