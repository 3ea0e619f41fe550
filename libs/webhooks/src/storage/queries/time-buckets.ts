import type { StatsWindow } from './delivery-stats.queries';

export interface TimeBucket {
  from: Date;
  to: Date;
}

/** `count` equal buckets covering the window, oldest first. */
export function bucketBounds(window: StatsWindow, count: number): TimeBucket[] {
  const start = window.from.getTime();
  const width = (window.to.getTime() - start) / count;
  return Array.from({ length: count }, (_, index) => ({
    from: new Date(start + Math.round(index * width)),
    to: index === count - 1 ? window.to : new Date(start + Math.round((index + 1) * width)),
  }));
}

/**
 * `CASE WHEN column < b1 THEN 0 … ELSE n-1 END` over bound timestamps: the bucket of a row
 * already limited to the window, in portable SQL (no database-specific date function).
 */
export function bucketCase(column: string, bounds: TimeBucket[]): { sql: string; parameters: Record<string, Date> } {
  const parameters: Record<string, Date> = {};
  const branches = bounds.slice(0, -1).map(({ to }, index) => {
    parameters[`bucketEnd${index}`] = to;
    return `WHEN ${column} < :bucketEnd${index} THEN ${index}`;
  });
  // One bucket: a CASE still, since some databases refuse to group by a bare constant.
  if (branches.length === 0) {
    parameters.bucketStart = bounds[0].from;
    return { sql: `CASE WHEN ${column} >= :bucketStart THEN 0 END`, parameters };
  }
  return { sql: `CASE ${branches.join(' ')} ELSE ${bounds.length - 1} END`, parameters };
}
