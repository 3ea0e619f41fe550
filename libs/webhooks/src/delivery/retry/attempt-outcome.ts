import type { AttemptResult } from '../../storage/deliveries/delivery-records';

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
 * SPEC §3: any 2xx succeeds; 4xx is permanent except 408 and 429 (retried, 429 honouring
 * `Retry-After`) and 410 (endpoint disabled); 3xx, 5xx, timeouts and network errors retry.
 */
export function judgeAttempt(result: AttemptResult, now: Date = new Date()): AttemptVerdict {
  const status = result.status;
  if (status === undefined) return { kind: 'retry' };
  if (status >= 200 && status < 300) return { kind: 'succeeded' };
  if (status === 410) return { kind: 'gone' };
  if (status === 429) {
    const notBeforeMs = parseRetryAfterMs(result.headers?.['retry-after'], now);
    return notBeforeMs === undefined ? { kind: 'retry' } : { kind: 'retry', notBeforeMs };
  }
  if (status === 408) return { kind: 'retry' };
  if (status >= 400 && status < 500) return { kind: 'permanent' };
  return { kind: 'retry' };
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
