import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RetrySchedule } from './webhooks-options.interface';
import {
  describeInvalidSchedule,
  MAX_BACKOFF_FACTOR,
  MAX_RETRY_ATTEMPTS,
  MAX_RETRY_DELAY_MS,
  MAX_RETRY_SPAN_MS,
  maxAttempts,
  retryTime,
  scheduledDelayMs,
  withJitter,
} from './retry-schedule';

// What a hostile or careless caller can put in a schedule: overflowing and non-finite
// numbers, numbers as strings, other types; and, for the second property, schedules made of
// values within every bound.
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 1e308, -1e308, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER, Infinity, -Infinity, Number.NaN, 2 ** 31, 1e15),
  fc.constantFrom('1000', '1e308', '', null, true, [], {}),
);
const hostileSchedule = fc.oneof(
  fc.record({ delaysMs: fc.array(hostileNumber, { maxLength: 60 }) }),
  fc.record({ delaysMs: fc.array(fc.integer({ min: 0, max: MAX_RETRY_DELAY_MS * 2 }), { minLength: 1, maxLength: 60 }) }),
  fc.record({ baseMs: hostileNumber, maxAttempts: hostileNumber, factor: hostileNumber, capMs: hostileNumber }, { requiredKeys: [] }),
  fc.record(
    {
      baseMs: fc.integer({ min: 0, max: MAX_RETRY_DELAY_MS * 2 }),
      maxAttempts: fc.integer({ min: 1, max: MAX_RETRY_ATTEMPTS * 2 }),
      factor: fc.double({ min: 1, max: MAX_BACKOFF_FACTOR * 2, noNaN: true }),
      capMs: fc.integer({ min: 0, max: MAX_RETRY_DELAY_MS * 2 }),
    },
    { requiredKeys: ['baseMs', 'maxAttempts'] },
  ),
);
const boundedSchedule: fc.Arbitrary<RetrySchedule> = fc.oneof(
  fc.record({ delaysMs: fc.array(fc.integer({ min: 0, max: MAX_RETRY_SPAN_MS / MAX_RETRY_ATTEMPTS }), { minLength: 1, maxLength: MAX_RETRY_ATTEMPTS }) }),
  fc.record({
    baseMs: fc.integer({ min: 0, max: 60_000 }),
    factor: fc.double({ min: 1, max: MAX_BACKOFF_FACTOR, noNaN: true }),
    maxAttempts: fc.integer({ min: 1, max: MAX_RETRY_ATTEMPTS }),
    capMs: fc.integer({ min: 0, max: MAX_RETRY_SPAN_MS / MAX_RETRY_ATTEMPTS }),
  }),
);

/** The delay before each attempt of an accepted schedule, attempt 1 first. */
function delaysOf(schedule: RetrySchedule): number[] {
  return Array.from({ length: maxAttempts(schedule) }, (_, index) => scheduledDelayMs(schedule, index + 1)!);
}

describe('retry schedules, property-based', () => {
  it('an accepted schedule has 1 to MAX_RETRY_ATTEMPTS attempts, each after a whole, bounded delay, adding up to at most MAX_RETRY_SPAN_MS', () => {
    let accepted = 0;
    fc.assert(
      fc.property(hostileSchedule, (schedule) => {
        if (describeInvalidSchedule(schedule as RetrySchedule) !== null) return;
        accepted += 1;
        const attempts = maxAttempts(schedule as RetrySchedule);
        expect(Number.isInteger(attempts) && attempts >= 1 && attempts <= MAX_RETRY_ATTEMPTS).toBe(true);
        const delays = delaysOf(schedule as RetrySchedule);
        for (const delay of delays) expect(Number.isInteger(delay) && delay >= 0 && delay <= MAX_RETRY_DELAY_MS).toBe(true);
        expect(delays.reduce((sum, delay) => sum + delay, 0)).toBeLessThanOrEqual(MAX_RETRY_SPAN_MS);
        expect(scheduledDelayMs(schedule as RetrySchedule, attempts + 1)).toBeNull();
      }),
      { numRuns: 5_000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it('a schedule within every bound is accepted, and every retry time it gives is a valid date', () => {
    const now = new Date();
    fc.assert(
      fc.property(boundedSchedule, fc.double({ min: 0, max: 1, noNaN: true }), (schedule, random) => {
        expect(describeInvalidSchedule(schedule)).toBeNull();
        for (const delay of delaysOf(schedule)) {
          const at = retryTime(now, withJitter(delay, 0.2, () => random));
          expect(Number.isNaN(at.getTime())).toBe(false);
          expect(at.getTime() - now.getTime()).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a retry time is a valid date within MAX_RETRY_DELAY_MS whatever delay it is given', () => {
    const now = new Date();
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(1e308, -1e308, Infinity, -Infinity, Number.NaN)), (delay) => {
        const at = retryTime(now, delay);
        expect(Number.isNaN(at.getTime())).toBe(false);
        expect(at.getTime() - now.getTime()).toBeGreaterThanOrEqual(0);
        expect(at.getTime() - now.getTime()).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
      }),
    );
  });
});
