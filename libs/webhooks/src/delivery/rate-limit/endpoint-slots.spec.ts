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
});
