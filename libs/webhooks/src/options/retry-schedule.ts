import type { RetrySchedule } from './webhooks-options.interface';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Most attempts a schedule may make, the first one included. */
export const MAX_RETRY_ATTEMPTS = 50;
/** Longest single delay of a schedule (and of any retry, `Retry-After` included). */
export const MAX_RETRY_DELAY_MS = 7 * DAY_MS;
/** Longest a schedule may keep a delivery retrying: its delays added up. */
export const MAX_RETRY_SPAN_MS = 30 * DAY_MS;
/** Largest growth factor of an exponential schedule. */
export const MAX_BACKOFF_FACTOR = 10;

const EXPONENTIAL_FIELDS = ['baseMs', 'factor', 'maxAttempts', 'capMs'];

/**
 * How long to wait before attempt `attemptNumber` (1-based) under a schedule, without jitter,
 * or null when the schedule has no such attempt. Meant for schedules `describeInvalidSchedule`
 * accepts; whole milliseconds within `MAX_RETRY_DELAY_MS` whatever it is given.
 */
export function scheduledDelayMs(schedule: RetrySchedule, attemptNumber: number): number | null {
  if (attemptNumber > maxAttempts(schedule)) return null;
  if ('delaysMs' in schedule) return boundedDelay(schedule.delaysMs[attemptNumber - 1]);
  if (attemptNumber === 1) return 0;
  const delay = schedule.baseMs * (schedule.factor ?? 2) ** (attemptNumber - 2);
  return boundedDelay(Math.min(delay, schedule.capMs ?? Number.POSITIVE_INFINITY));
}

export function maxAttempts(schedule: RetrySchedule): number {
  return Math.min('delaysMs' in schedule ? schedule.delaysMs.length : schedule.maxAttempts, MAX_RETRY_ATTEMPTS);
}

/** Spreads a delay by ±`jitter` (a fraction) so retries of one outage do not arrive in step. */
export function withJitter(delayMs: number, jitter: number, random: () => number = Math.random): number {
  if (delayMs <= 0 || jitter <= 0) return delayMs;
  return Math.round(delayMs * (1 - jitter + 2 * jitter * random()));
}

/**
 * When a retry after `delayMs` is due. The delay is brought within 0 to `MAX_RETRY_DELAY_MS`
 * (a non-finite one counts as the longest), so the date is always valid: an invalid one
 * would make the attempt record fail and leave the delivery re-sent every lease, forever.
 */
export function retryTime(now: Date, delayMs: number): Date {
  return new Date(now.getTime() + boundedDelay(delayMs));
}

/**
 * Why a schedule cannot be used, or null. Every number must be finite and bounded (attempts,
 * each delay, factor, cap) and the delays must add up to at most `MAX_RETRY_SPAN_MS`, so
 * that every retry time it yields is a valid date within a month. Takes any value: schedules
 * come from requests, options and stored rows.
 */
export function describeInvalidSchedule(schedule: unknown): string | null {
  if (typeof schedule !== 'object' || schedule === null || Array.isArray(schedule)) {
    return 'must be { delaysMs: number[] } or { baseMs, factor?, maxAttempts, capMs? }';
  }
  const fields = schedule as Record<string, unknown>;
  const problem = 'delaysMs' in fields ? delaysListProblem(fields) : exponentialProblem(fields);
  if (problem) return problem;
  let total = 0;
  for (let attempt = 1; attempt <= maxAttempts(schedule as RetrySchedule); attempt += 1) total += scheduledDelayMs(schedule as RetrySchedule, attempt)!;
  return total > MAX_RETRY_SPAN_MS ? `the delays add up to ${total} ms, more than ${MAX_RETRY_SPAN_MS} (30 days)` : null;
}

function delaysListProblem(fields: Record<string, unknown>): string | null {
  const other = Object.keys(fields).find((field) => field !== 'delaysMs');
  if (other !== undefined) return `${other.slice(0, 50)} does not go with delaysMs`;
  const delays = fields.delaysMs;
  if (!Array.isArray(delays) || delays.length === 0) return 'delaysMs must list at least one delay';
  if (delays.length > MAX_RETRY_ATTEMPTS) return `delaysMs must list at most ${MAX_RETRY_ATTEMPTS} delays`;
  if (!delays.every(isDelay)) return `delaysMs must be numbers of milliseconds from 0 to ${MAX_RETRY_DELAY_MS}`;
  return null;
}

function exponentialProblem(fields: Record<string, unknown>): string | null {
  const unknown = Object.keys(fields).find((field) => !EXPONENTIAL_FIELDS.includes(field));
  if (unknown !== undefined) return `unknown field ${unknown.slice(0, 50)}`;
  const { baseMs, factor, maxAttempts: attempts, capMs } = fields;
  if (!Number.isInteger(attempts) || (attempts as number) < 1 || (attempts as number) > MAX_RETRY_ATTEMPTS) {
    return `maxAttempts must be an integer from 1 to ${MAX_RETRY_ATTEMPTS}`;
  }
  if (!isDelay(baseMs)) return `baseMs must be a number of milliseconds from 0 to ${MAX_RETRY_DELAY_MS}`;
  if (factor != null && !(typeof factor === 'number' && factor >= 1 && factor <= MAX_BACKOFF_FACTOR)) {
    return `factor must be a number from 1 to ${MAX_BACKOFF_FACTOR}`;
  }
  if (capMs != null && !isDelay(capMs)) return `capMs must be a number of milliseconds from 0 to ${MAX_RETRY_DELAY_MS}`;
  const longest = Math.min(baseMs * ((factor as number | null) ?? 2) ** ((attempts as number) - 2), (capMs as number | null) ?? Number.POSITIVE_INFINITY);
  if ((attempts as number) > 1 && longest > MAX_RETRY_DELAY_MS) {
    return `the delay before attempt ${attempts as number} would exceed ${MAX_RETRY_DELAY_MS} ms: lower maxAttempts or factor, or set capMs`;
  }
  return null;
}

function isDelay(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= MAX_RETRY_DELAY_MS;
}

function boundedDelay(delayMs: number): number {
  return Number.isNaN(delayMs) ? MAX_RETRY_DELAY_MS : Math.min(Math.max(Math.round(delayMs), 0), MAX_RETRY_DELAY_MS);
}
