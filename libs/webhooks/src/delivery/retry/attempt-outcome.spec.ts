import { describe, expect, it } from '@jest/globals';
import type { AttemptResult } from '../../storage/deliveries/delivery-records';
import { DEFAULT_RETRY_AFTER_STATUSES, DEFAULT_RETRY_ON, type AttemptFailure } from '../../options/retry-on';
import { judgeAttempt, parseRetryAfterMs, type RetryPolicy } from './attempt-outcome';

const NOW = new Date('2030-01-02T03:04:05.000Z');

const DEFAULTS: RetryPolicy = { retryOn: DEFAULT_RETRY_ON, retryAfterStatuses: DEFAULT_RETRY_AFTER_STATUSES };

function attempt(status: number | undefined, headers?: Record<string, string>, error?: string, failure?: AttemptResult['failure']): AttemptResult {
  return { status, headers, error, failure: error ? (failure ?? 'network') : undefined, durationMs: 12, startedAt: NOW };
}

describe('judgeAttempt', () => {
  it.each([200, 201, 202, 204, 299])('%i succeeds', (status) => {
    expect(judgeAttempt(attempt(status), DEFAULTS, NOW)).toEqual({ kind: 'succeeded' });
  });

  it.each([400, 401, 403, 404, 405, 409, 413, 422, 451, 499])('%i is permanent', (status) => {
    expect(judgeAttempt(attempt(status), DEFAULTS, NOW)).toEqual({ kind: 'permanent' });
  });

  it('408 Request Timeout is retried on the schedule', () => {
    expect(judgeAttempt(attempt(408), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
  });

  it('410 Gone disables the endpoint', () => {
    expect(judgeAttempt(attempt(410), DEFAULTS, NOW)).toEqual({ kind: 'gone' });
  });

  it.each([300, 301, 302, 303, 307, 308])('redirect %i is retried (redirects are not followed)', (status) => {
    expect(judgeAttempt(attempt(status, { location: 'https://elsewhere.example/' }), DEFAULTS, NOW)).toEqual({
      kind: 'retry',
    });
  });

  it.each([500, 501, 502, 503, 504, 599])('%i is retried', (status) => {
    expect(judgeAttempt(attempt(status), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
  });

  it('503 with Retry-After waits that long, by default', () => {
    expect(judgeAttempt(attempt(503, { 'retry-after': '120' }), DEFAULTS, NOW)).toEqual({ kind: 'retry', notBeforeMs: 120_000 });
  });

  it('500 with Retry-After retries on the schedule: only the listed statuses honour it', () => {
    expect(judgeAttempt(attempt(500, { 'retry-after': '120' }), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(503, { 'retry-after': '120' }), { ...DEFAULTS, retryAfterStatuses: [] }, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(500, { 'retry-after': '7' }), { ...DEFAULTS, retryAfterStatuses: [500] }, NOW)).toEqual({ kind: 'retry', notBeforeMs: 7000 });
  });

  it.each(['timeout after 15000 ms', 'connect ECONNREFUSED', 'address 10.0.0.1 is refused'])(
    'no response (%s) is retried',
    (error) => {
      expect(judgeAttempt(attempt(undefined, undefined, error), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
    },
  );

  describe('429 Too Many Requests', () => {
    it('without Retry-After retries on the schedule', () => {
      expect(judgeAttempt(attempt(429), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
      expect(judgeAttempt(attempt(429, {}), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
    });

    it('with Retry-After in seconds waits that long', () => {
      expect(judgeAttempt(attempt(429, { 'retry-after': '120' }), DEFAULTS, NOW)).toEqual({
        kind: 'retry',
        notBeforeMs: 120_000,
      });
    });

    it('with Retry-After 0 may retry at once', () => {
      expect(judgeAttempt(attempt(429, { 'retry-after': '0' }), DEFAULTS, NOW)).toEqual({
        kind: 'retry',
        notBeforeMs: 0,
      });
    });

    it('with Retry-After as an HTTP date waits until then, relative to now', () => {
      const at = new Date(NOW.getTime() + 90_000).toUTCString();
      expect(judgeAttempt(attempt(429, { 'retry-after': at }), DEFAULTS, NOW)).toEqual({
        kind: 'retry',
        notBeforeMs: 90_000,
      });
    });

    it('with Retry-After as an HTTP date in the past may retry at once', () => {
      const at = new Date(NOW.getTime() - 3_600_000).toUTCString();
      expect(judgeAttempt(attempt(429, { 'retry-after': at }), DEFAULTS, NOW)).toEqual({
        kind: 'retry',
        notBeforeMs: 0,
      });
    });

    it.each(['soon', 'later please', '12abc', '5 seconds', ''])('with unreadable Retry-After %p retries on the schedule', (value) => {
      const verdict = judgeAttempt(attempt(429, { 'retry-after': value }), DEFAULTS, NOW);
      expect(verdict).toEqual({ kind: 'retry' });
      expect('notBeforeMs' in verdict).toBe(false);
    });

    // Date.parse would read "1.5" as a date in 2001 (notBeforeMs 0); it is not a Retry-After value.
    it('with the non-conforming Retry-After "1.5" retries on the schedule, not at once', () => {
      expect(judgeAttempt(attempt(429, { 'retry-after': '1.5' }), DEFAULTS, NOW)).toEqual({ kind: 'retry' });
    });
  });
});

describe('judgeAttempt with a retry rule of its own', () => {
  const policy = (retryOn: RetryPolicy['retryOn']): RetryPolicy => ({ ...DEFAULTS, retryOn });

  it('retries exactly the statuses and classes listed', () => {
    const rule = policy([404, '5xx']);
    expect(judgeAttempt(attempt(404), rule, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(502), rule, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(401), rule, NOW)).toEqual({ kind: 'permanent' });
    expect(judgeAttempt(attempt(429), rule, NOW)).toEqual({ kind: 'permanent' });
    expect(judgeAttempt(attempt(301), rule, NOW)).toEqual({ kind: 'permanent' });
    expect(judgeAttempt(attempt(undefined, undefined, 'connect ECONNREFUSED'), rule, NOW)).toEqual({ kind: 'permanent' });
  });

  it('tells timeouts from other network failures; an address the policy refuses is a network failure', () => {
    const rule = policy(['timeout']);
    expect(judgeAttempt(attempt(undefined, undefined, 'timeout after 50 ms', 'timeout'), rule, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(undefined, undefined, 'connect ECONNRESET', 'network'), rule, NOW)).toEqual({ kind: 'permanent' });
    expect(judgeAttempt(attempt(undefined, undefined, 'refused to connect', 'blocked'), policy(['network']), NOW)).toEqual({ kind: 'retry' });
  });

  it('a 410 it retries does not disable the endpoint; one it does not, does', () => {
    expect(judgeAttempt(attempt(410), policy(['4xx']), NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(410), policy([]), NOW)).toEqual({ kind: 'gone' });
  });

  it('a function decides from the status, the failure kind and the error', () => {
    const seen: AttemptFailure[] = [];
    const rule = policy((failure) => {
      seen.push(failure);
      return failure.status === 401 || failure.failure === 'timeout';
    });
    expect(judgeAttempt(attempt(401), rule, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(500), rule, NOW)).toEqual({ kind: 'permanent' });
    expect(judgeAttempt(attempt(undefined, undefined, 'timeout after 5 ms', 'timeout'), rule, NOW)).toEqual({ kind: 'retry' });
    expect(seen).toEqual([
      { status: 401, failure: null, error: null },
      { status: 500, failure: null, error: null },
      { status: null, failure: 'timeout', error: 'timeout after 5 ms' },
    ]);
  });

  it('a function that throws is answered by the default rule', () => {
    const throwing = policy(() => {
      throw new Error('bug in the host');
    });
    expect(judgeAttempt(attempt(503), throwing, NOW)).toEqual({ kind: 'retry' });
    expect(judgeAttempt(attempt(404), throwing, NOW)).toEqual({ kind: 'permanent' });
  });

  it('never asks the rule about a 2xx', () => {
    expect(judgeAttempt(attempt(204), policy(() => { throw new Error('asked'); }), NOW)).toEqual({ kind: 'succeeded' });
  });
});

describe('parseRetryAfterMs', () => {
  it('reads delta-seconds, trimming whitespace', () => {
    expect(parseRetryAfterMs('5', NOW)).toBe(5000);
    expect(parseRetryAfterMs('  30 ', NOW)).toBe(30_000);
    expect(parseRetryAfterMs('86400', NOW)).toBe(86_400_000);
  });

  it('reads an IMF-fixdate relative to the given now', () => {
    expect(parseRetryAfterMs('Wed, 02 Jan 2030 03:05:05 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfterMs('Wed, 02 Jan 2030 03:05:05 GMT', new Date('2030-01-02T03:05:00.000Z'))).toBe(5000);
  });

  it('returns undefined when absent or unreadable', () => {
    expect(parseRetryAfterMs(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfterMs('', NOW)).toBeUndefined();
    expect(parseRetryAfterMs('soon', NOW)).toBeUndefined();
  });

  // Neither delta-seconds nor an HTTP date: V8's legacy Date.parse would read "1.5" as
  // 2001-01-05 and "-5"/"+5" as 2001-05-01, a date in the past (retry at once).
  it.each(['1.5', '-5', '+5'])('returns undefined for the non-conforming value %p', (value) => {
    expect(parseRetryAfterMs(value, NOW)).toBeUndefined();
  });
});
