import type { StatsWindow } from '../../../storage/queries/delivery-stats.queries';

export const DEFAULT_STATS_HOURS = 24;

/** The last `hours` hours, ending now. */
export function statsWindow(hours: number = DEFAULT_STATS_HOURS, now: Date = new Date()): StatsWindow {
  return { from: new Date(now.getTime() - hours * 3_600_000), to: now };
}
