import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { WebhookDelivery } from '../entities/delivery.entity';
import { attemptsStartedIn, durationAtRank, type StatsWindow } from './stats-window';
import { ratio } from './ratios';
import { bucketBounds, bucketCase, type TimeBucket } from './time-buckets';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface AttemptBucket extends TimeBucket {
  /** Attempts that started in the bucket. */
  attempts: number;
  /** Of them, answered 2xx. */
  succeeded: number;
  /** Of them, answered otherwise or not at all. */
  failed: number;
  /** succeeded / attempts, 4 decimals; null without attempts. */
  successRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
  byStatusCode: Array<{ statusCode: number | null; attempts: number }>;
  byEventType: Array<{ eventType: string; attempts: number; succeeded: number }>;
}

const SUCCEEDED = 'CASE WHEN a.responseStatus >= 200 AND a.responseStatus < 300 THEN 1 ELSE 0 END';

/**
 * Attempts cut into equal time buckets by the time they were made, so a failure shows when
 * it happened (not when its delivery was created), with their outcome by status code and by
 * event type. Same portable SQL as the creation-time series: a CASE over bound timestamps for
 * the bucket, one read at the nearest rank for each percentile.
 */
@Injectable()
export class AttemptTimeseriesQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  async compute(tenantId: string, window: StatsWindow, bucketCount: number): Promise<AttemptBucket[]> {
    const bounds = bucketBounds(window, bucketCount);
    const bucketOf = bucketCase('a.startedAt', bounds);
    const grouped = () => this.attempts(tenantId, window).select(bucketOf.sql, 'bucket').setParameters(bucketOf.parameters).groupBy('bucket');
    const [totals, byStatusCode, byEventType] = await Promise.all([
      grouped().addSelect('COUNT(*)', 'attempts').addSelect(`SUM(${SUCCEEDED})`, 'succeeded').getRawMany<{ bucket: unknown; attempts: unknown; succeeded: unknown }>(),
      grouped().addSelect('a.responseStatus', 'statusCode').addSelect('COUNT(*)', 'attempts').addGroupBy('a.responseStatus').getRawMany<{ bucket: unknown; statusCode: unknown; attempts: unknown }>(),
      grouped()
        .addSelect('d.eventType', 'eventType')
        .addSelect('COUNT(*)', 'attempts')
        .addSelect(`SUM(${SUCCEEDED})`, 'succeeded')
        .addGroupBy('d.eventType')
        .getRawMany<{ bucket: unknown; eventType: string; attempts: unknown; succeeded: unknown }>(),
    ]);
    const buckets: AttemptBucket[] = bounds.map((bound) => ({ ...bound, attempts: 0, succeeded: 0, failed: 0, successRate: null, latencyMs: { p50: null, p95: null }, byStatusCode: [], byEventType: [] }));
    for (const row of totals) {
      const bucket = buckets[Number(row.bucket)];
      bucket.attempts = Number(row.attempts);
      bucket.succeeded = Number(row.succeeded);
      bucket.failed = bucket.attempts - bucket.succeeded;
      bucket.successRate = ratio(bucket.succeeded, bucket.attempts, 4);
    }
    for (const row of byStatusCode) buckets[Number(row.bucket)].byStatusCode.push({ statusCode: row.statusCode === null ? null : Number(row.statusCode), attempts: Number(row.attempts) });
    for (const row of byEventType) buckets[Number(row.bucket)].byEventType.push({ eventType: row.eventType, attempts: Number(row.attempts), succeeded: Number(row.succeeded) });
    await Promise.all(
      buckets.map(async (bucket, index) => {
        // Sorted here: databases disagree on where NULL (no answer) sorts.
        bucket.byStatusCode.sort((x, y) => (x.statusCode ?? Number.MAX_SAFE_INTEGER) - (y.statusCode ?? Number.MAX_SAFE_INTEGER));
        bucket.byEventType.sort((x, y) => x.eventType.localeCompare(y.eventType));
        if (bucket.attempts === 0) return;
        const last = index === buckets.length - 1;
        bucket.latencyMs.p50 = await this.durationAtRank(tenantId, { ...window, ...bucket }, last, Math.ceil(0.5 * bucket.attempts));
        bucket.latencyMs.p95 = await this.durationAtRank(tenantId, { ...window, ...bucket }, last, Math.ceil(0.95 * bucket.attempts));
      }),
    );
    return buckets;
  }

  /** Nearest rank within one bucket; the last bucket includes the window's end. */
  private durationAtRank(tenantId: string, bucket: StatsWindow, inclusiveEnd: boolean, rank: number): Promise<number | null> {
    return durationAtRank(this.attempts(tenantId, bucket, inclusiveEnd), rank);
  }

  /** The tenant's attempts (through their delivery: attempts carry no tenant) started in the window. */
  private attempts(tenantId: string, window: StatsWindow, inclusiveEnd = true): SelectQueryBuilder<WebhookDelivery> {
    return attemptsStartedIn(this.scoped, tenantId, window, inclusiveEnd ? 'inclusive' : 'exclusive');
  }
}
