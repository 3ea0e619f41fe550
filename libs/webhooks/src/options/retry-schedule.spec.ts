import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RETRY_SCHEDULE } from './resolved-options';
import type { RetrySchedule } from './webhooks-options.interface';
import { describeInvalidSchedule, maxAttempts, scheduledDelayMs, withJitter } from './retry-schedule';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Every delay of a schedule, attempt 1 first, stopping at the first null (with a safety bound). */
function allDelays(schedule: RetrySchedule, limit = 50): number[] {
  const delays: number[] = [];
  for (let attempt = 1; attempt <= limit; attempt++) {
    const delay = scheduledDelayMs(schedule, attempt);
    if (delay === null) break;
    delays.push(delay);
  }
  return delays;
}

describe('scheduledDelayMs with a delays list', () => {
  const schedule: RetrySchedule = { delaysMs: [0, 100, 2500] };

  it('returns the delay of each 1-based attempt number', () => {
    expect(scheduledDelayMs(schedule, 1)).toBe(0);
    expect(scheduledDelayMs(schedule, 2)).toBe(100);
    expect(scheduledDelayMs(schedule, 3)).toBe(2500);
  });

  it('returns null beyond the last attempt', () => {
    expect(scheduledDelayMs(schedule, 4)).toBeNull();
    expect(scheduledDelayMs(schedule, 100)).toBeNull();
  });

  it('counts one attempt per listed delay', () => {
    expect(maxAttempts(schedule)).toBe(3);
    expect(maxAttempts({ delaysMs: [7] })).toBe(1);
  });
});

describe('scheduledDelayMs with exponential backoff', () => {
  it('makes the first attempt immediately, then baseMs times factor^(n-2)', () => {
    const schedule: RetrySchedule = { baseMs: 100, factor: 3, maxAttempts: 5 };
    expect(allDelays(schedule)).toEqual([0, 100, 300, 900, 2700]);
  });

  it('uses a factor of 2 by default', () => {
    expect(allDelays({ baseMs: 250, maxAttempts: 4 })).toEqual([0, 250, 500, 1000]);
  });

  it('never exceeds capMs', () => {
    const schedule: RetrySchedule = { baseMs: 1000, factor: 10, maxAttempts: 6, capMs: 50_000 };
    expect(allDelays(schedule)).toEqual([0, 1000, 10_000, 50_000, 50_000, 50_000]);
  });

  it('returns null after maxAttempts and reports maxAttempts', () => {
    const schedule: RetrySchedule = { baseMs: 10, maxAttempts: 3 };
    expect(scheduledDelayMs(schedule, 3)).toBe(20);
    expect(scheduledDelayMs(schedule, 4)).toBeNull();
    expect(maxAttempts(schedule)).toBe(3);
  });

  it('with maxAttempts 1 has only the immediate attempt', () => {
    expect(allDelays({ baseMs: 1000, maxAttempts: 1 })).toEqual([0]);
  });
});

describe('DEFAULT_RETRY_SCHEDULE', () => {
  it('is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(allDelays(DEFAULT_RETRY_SCHEDULE)).toEqual([
      0,
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]);
  });

  it('has 8 attempts and nothing after the 8th', () => {
    expect(maxAttempts(DEFAULT_RETRY_SCHEDULE)).toBe(8);
    expect(scheduledDelayMs(DEFAULT_RETRY_SCHEDULE, 8)).toBe(10 * HOUR);
    expect(scheduledDelayMs(DEFAULT_RETRY_SCHEDULE, 9)).toBeNull();
  });

  it('is valid', () => {
    expect(describeInvalidSchedule(DEFAULT_RETRY_SCHEDULE)).toBeNull();
  });
});

describe('schedules of the seed data', () => {
  it('0 / 2 s / 4 s as a delays list', () => {
    const schedule: RetrySchedule = { delaysMs: [0, 2 * SECOND, 4 * SECOND] };
    expect(allDelays(schedule)).toEqual([0, 2000, 4000]);
    expect(maxAttempts(schedule)).toBe(3);
  });

  it('exponential base 1 s, factor 2, 5 attempts: immediately, then 1, 2, 4, 8 s', () => {
    const schedule: RetrySchedule = { baseMs: 1000, factor: 2, maxAttempts: 5 };
    expect(allDelays(schedule)).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(maxAttempts(schedule)).toBe(5);
    // The same schedule written as a delays list gives the same attempts.
    expect(allDelays({ delaysMs: [0, 1000, 2000, 4000, 8000] })).toEqual(allDelays(schedule));
  });
});

describe('withJitter', () => {
  it('spreads a delay by ±20 % with jitter 0.2', () => {
    expect(withJitter(10_000, 0.2, () => 0)).toBe(8000);
    expect(withJitter(10_000, 0.2, () => 0.5)).toBe(10_000);
    expect(withJitter(10_000, 0.2, () => 1)).toBe(12_000);
    expect(withJitter(10_000, 0.2, () => 0.25)).toBe(9000);
  });

  it('stays within ±20 % for many random draws', () => {
    let seed = 42;
    const lcg = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 1000; i++) {
      const delay = withJitter(5 * MINUTE, 0.2, lcg);
      expect(delay).toBeGreaterThanOrEqual(0.8 * 5 * MINUTE);
      expect(delay).toBeLessThanOrEqual(1.2 * 5 * MINUTE);
    }
  });

  it('rounds to whole milliseconds', () => {
    expect(withJitter(333, 0.2, () => 0.3)).toBe(Math.round(333 * 0.92));
    expect(Number.isInteger(withJitter(333, 0.2, () => 0.3))).toBe(true);
  });

  it('does not jitter a zero delay', () => {
    expect(withJitter(0, 0.2, () => 1)).toBe(0);
    expect(withJitter(0, 0.2, () => 0)).toBe(0);
  });

  it('leaves the delay alone when jitter is 0', () => {
    expect(withJitter(5000, 0, () => 0)).toBe(5000);
  });

  it('does not call random when it does not jitter', () => {
    let calls = 0;
    const random = () => {
      calls++;
      return 0;
    };
    withJitter(0, 0.2, random);
    withJitter(1000, 0, random);
    expect(calls).toBe(0);
    withJitter(1000, 0.2, random);
    expect(calls).toBe(1);
  });
});

describe('describeInvalidSchedule', () => {
  const DAY = 24 * HOUR;
  it.each<[string, unknown, string | null]>([
    ['a usable delays list', { delaysMs: [0, 1, 2] }, null],
    ['an empty delays list', { delaysMs: [] }, 'delaysMs must list at least one delay'],
    ['delaysMs that is not an array', { delaysMs: 'soon' }, 'delaysMs must list at least one delay'],
    ['a negative delay', { delaysMs: [0, -1] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['an infinite delay', { delaysMs: [0, Number.POSITIVE_INFINITY] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['a NaN delay', { delaysMs: [Number.NaN] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['an overflowing delay', { delaysMs: [0, 1e308] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['a delay given as a string', { delaysMs: [0, '1000'] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['a delay over 7 days', { delaysMs: [0, 7 * DAY + 1] }, 'delaysMs must be numbers of milliseconds from 0 to 604800000'],
    ['51 attempts', { delaysMs: Array(51).fill(0) }, 'delaysMs must list at most 50 delays'],
    ['delays adding up to over 30 days', { delaysMs: [0, 7 * DAY, 7 * DAY, 7 * DAY, 7 * DAY, 3 * DAY] }, 'the delays add up to 2678400000 ms, more than 2592000000 (30 days)'],
    ['delaysMs with exponential fields', { delaysMs: [0], baseMs: 5 }, 'baseMs does not go with delaysMs'],
    ['a usable exponential schedule', { baseMs: 1000, factor: 2, maxAttempts: 5 }, null],
    ['an exponential schedule without factor', { baseMs: 0, maxAttempts: 1 }, null],
    ['null factor and capMs, as JSON clients send them', { baseMs: 10, maxAttempts: 2, factor: null, capMs: null }, null],
    ['maxAttempts 0', { baseMs: 1000, maxAttempts: 0 }, 'maxAttempts must be an integer from 1 to 50'],
    ['fractional maxAttempts', { baseMs: 1000, maxAttempts: 2.5 }, 'maxAttempts must be an integer from 1 to 50'],
    ['maxAttempts 51', { baseMs: 1000, maxAttempts: 51, capMs: 1000 }, 'maxAttempts must be an integer from 1 to 50'],
    ['negative baseMs', { baseMs: -1, maxAttempts: 3 }, 'baseMs must be a number of milliseconds from 0 to 604800000'],
    ['NaN baseMs', { baseMs: Number.NaN, maxAttempts: 3 }, 'baseMs must be a number of milliseconds from 0 to 604800000'],
    ['overflowing baseMs', { baseMs: 1e308, maxAttempts: 3 }, 'baseMs must be a number of milliseconds from 0 to 604800000'],
    ['factor below 1', { baseMs: 1000, factor: 0.5, maxAttempts: 3 }, 'factor must be a number from 1 to 10'],
    ['infinite factor', { baseMs: 1000, factor: Number.POSITIVE_INFINITY, maxAttempts: 3 }, 'factor must be a number from 1 to 10'],
    ['factor exactly 1', { baseMs: 1000, factor: 1, maxAttempts: 3 }, null],
    ['a capMs that is not a number', { baseMs: 1000, maxAttempts: 3, capMs: 'soon' }, 'capMs must be a number of milliseconds from 0 to 604800000'],
    ['a growth past 7 days without capMs', { baseMs: 1000, factor: 10, maxAttempts: 10 }, 'the delay before attempt 10 would exceed 604800000 ms: lower maxAttempts or factor, or set capMs'],
    ['the same growth with capMs', { baseMs: 1000, factor: 10, maxAttempts: 10, capMs: HOUR }, null],
    ['an unknown field', { baseMs: 1000, maxAttempts: 3, jitter: 1 }, 'unknown field jitter'],
    ['a number', 5, 'must be { delaysMs: number[] } or { baseMs, factor?, maxAttempts, capMs? }'],
  ])('%s', (_label, schedule, expected) => {
    expect(describeInvalidSchedule(schedule)).toBe(expected);
  });
});
