import type { RetrySchedule } from '../../options/webhooks-options.interface';

/**
 * How long to wait before attempt `attemptNumber` (1-based) under a schedule, without jitter,
 * or null when the schedule has no such attempt.
 */
export function scheduledDelayMs(schedule: RetrySchedule, attemptNumber: number): number | null {
  if ('delaysMs' in schedule) {
    return attemptNumber <= schedule.delaysMs.length ? schedule.delaysMs[attemptNumber - 1] : null;
  }
  if (attemptNumber > schedule.maxAttempts) return null;
  if (attemptNumber === 1) return 0;
  const delay = schedule.baseMs * (schedule.factor ?? 2) ** (attemptNumber - 2);
  return Math.min(delay, schedule.capMs ?? Number.POSITIVE_INFINITY);
}

export function maxAttempts(schedule: RetrySchedule): number {
  return 'delaysMs' in schedule ? schedule.delaysMs.length : schedule.maxAttempts;
}

/** Spreads a delay by ±`jitter` (a fraction) so retries of one outage do not arrive in step. */
export function withJitter(delayMs: number, jitter: number, random: () => number = Math.random): number {
  if (delayMs <= 0 || jitter <= 0) return delayMs;
  return Math.round(delayMs * (1 - jitter + 2 * jitter * random()));
}

/** A schedule is usable when it has at least one attempt and no negative or non-finite delay. */
export function describeInvalidSchedule(schedule: RetrySchedule): string | null {
  if ('delaysMs' in schedule) {
    if (!Array.isArray(schedule.delaysMs) || schedule.delaysMs.length === 0) return 'delaysMs must list at least one delay';
    if (schedule.delaysMs.some((d) => !Number.isFinite(d) || d < 0)) return 'delaysMs must be non-negative numbers';
    return null;
  }
  if (!Number.isInteger(schedule.maxAttempts) || schedule.maxAttempts < 1) return 'maxAttempts must be a positive integer';
  if (!Number.isFinite(schedule.baseMs) || schedule.baseMs < 0) return 'baseMs must be a non-negative number';
  if (schedule.factor !== undefined && (!Number.isFinite(schedule.factor) || schedule.factor < 1)) return 'factor must be at least 1';
  return null;
}
