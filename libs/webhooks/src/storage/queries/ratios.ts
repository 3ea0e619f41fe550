/** `numerator / denominator` rounded to `digits` decimals; null when there is nothing to divide. */
export function ratio(numerator: number, denominator: number, digits: number): number | null {
  if (denominator === 0) return null;
  const scale = 10 ** digits;
  return Math.round((numerator / denominator) * scale) / scale;
}

export interface OutcomeCounts {
  succeeded: number;
  failed: number;
  retrying: number;
}

/**
 * The two success rates every figure shows, 4 decimals:
 * - `successRate`: of the finished deliveries (succeeded or failed);
 * - `successRateIncludingRetrying`: deliveries still retrying (or held behind their endpoint's
 *   circuit) count as not delivered, so a backlog stuck in retries lowers it at once.
 */
export function successRates(counts: OutcomeCounts): { successRate: number | null; successRateIncludingRetrying: number | null } {
  return {
    successRate: ratio(counts.succeeded, counts.succeeded + counts.failed, 4),
    successRateIncludingRetrying: ratio(counts.succeeded, counts.succeeded + counts.failed + counts.retrying, 4),
  };
}
