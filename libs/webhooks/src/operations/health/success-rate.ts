import type { RecentOutcomes } from '../../storage/queries/operations.queries';

export type SuccessRateStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface SuccessRateThresholds {
  healthySuccessRate: number;
  degradedSuccessRate: number;
}

/** Share of the deliveries that succeeded (0 to 1, four decimals); null when there were none. */
export function successRate(outcomes: RecentOutcomes): number | null {
  const total = outcomes.succeeded + outcomes.failed + outcomes.retrying;
  return total === 0 ? null : Math.round((outcomes.succeeded / total) * 10_000) / 10_000;
}

/** No deliveries in the window is healthy: there is nothing failing. */
export function judgeSuccessRate(rate: number | null, thresholds: SuccessRateThresholds): SuccessRateStatus {
  if (rate === null || rate >= thresholds.healthySuccessRate) return 'healthy';
  return rate >= thresholds.degradedSuccessRate ? 'degraded' : 'unhealthy';
}
