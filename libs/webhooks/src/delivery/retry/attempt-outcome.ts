import type { AttemptResult } from '../../storage/deliveries/delivery-records';
import { retries, type RetryOnRule } from '../../options/retry-on';

/** What decides whether a failed attempt retries, and when. */
export interface RetryPolicy {
  retryOn: RetryOnRule;
  /** Statuses whose `Retry-After` sets the earliest next attempt. */
  retryAfterStatuses: readonly number[];
}

/** What the delivery does next because of one attempt. */
export type AttemptVerdict =
  | { kind: 'succeeded' }
  /** Retry on the schedule, or not before `notBeforeMs` from now when the receiver asked. */
  | { kind: 'retry'; notBeforeMs?: number }
  /** No retry: the receiver refused the request for good. */
  | { kind: 'permanent' }
  /** 410 Gone: no retry and the endpoint is disabled. */
  | { kind: 'gone' };

/**
 * Any 2xx succeeds; a failure retries when the policy's rule says so (by default, SPEC §3:
 * 4xx is final except 408 and 429, 3xx, 5xx, timeouts and network errors retry), not before
 * its `Retry-After` for the statuses that honour it (429 and 503 by default); a 410 Gone that
 * does not retry disables the endpoint.
 */
export function judgeAttempt(result: AttemptResult, policy: RetryPolicy, now: Date = new Date()): AttemptVerdict {
  const status = result.status ?? null;
  if (status !== null && status >= 200 && status < 300) return { kind: 'succeeded' };
  const failure = status !== null ? null : result.failure === 'timeout' ? 'timeout' : 'network';
  if (!retries(policy.retryOn, { status, failure, error: result.error ?? null })) {
    return status === 410 ? { kind: 'gone' } : { kind: 'permanent' };
  }
  const notBeforeMs = status !== null && policy.retryAfterStatuses.includes(status) ? parseRetryAfterMs(result.headers?.['retry-after'], now) : undefined;
  return notBeforeMs === undefined ? { kind: 'retry' } : { kind: 'retry', notBeforeMs };
}

const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only the HTTP date form (IMF-fixdate): Date.parse reads "1.5" or "-5" as dates in 2001.
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
