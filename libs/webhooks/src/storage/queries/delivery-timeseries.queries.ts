import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { attemptsOfDeliveriesCreatedIn, deliveriesCreatedIn, durationAtRank, type StatsWindow } from './stats-window';
import { bucketBounds, bucketCase } from './time-buckets';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface TimeseriesBucket {
  from: Date;
  to: Date;
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed), 4 decimals; null when none finished. */
  successRate: number | null;
  attempts: number;
  latencyMs: { p50: number | null; p95: number | null };
}

/**
 * The figures of `DeliveryStatsQueries` cut into equal time buckets (by delivery creation
 * time), for charts. Portable SQL: the bucket of a row is a CASE over bound timestamps, so no
 * database-specific date function is needed; percentiles are read per bucket as the one row
 * at the nearest rank, so memory stays bounded whatever the volume.
 */
@Injectable()
export class DeliveryTimeseriesQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  async compute(tenantId: string, window: StatsWindow, bucketCount: number): Promise<TimeseriesBucket[]> {
    const bounds = bucketBounds(window, bucketCount);
    const bucketOf = bucketCase('d.createdAt', bounds);
    const [deliveryRows, attemptRows] = await Promise.all([
      this.deliveries(tenantId, window)
        .select(bucketOf.sql, 'bucket')
        .addSelect('SUM(CASE WHEN d.status = :succeededStatus THEN 1 ELSE 0 END)', 'succeeded')
        .addSelect('SUM(CASE WHEN d.status = :failedStatus THEN 1 ELSE 0 END)', 'failed')
        .setParameters({ ...bucketOf.parameters, succeededStatus: DeliveryStatus.Succeeded, failedStatus: DeliveryStatus.Failed })
        .groupBy('bucket')
        .getRawMany<{ bucket: unknown; succeeded: unknown; failed: unknown }>(),
      this.attempts(tenantId, window)
        .select(bucketOf.sql, 'bucket')
        .addSelect('COUNT(*)', 'attempts')
        .setParameters(bucketOf.parameters)
        .groupBy('bucket')
        .getRawMany<{ bucket: unknown; attempts: unknown }>(),
    ]);
    const buckets: TimeseriesBucket[] = bounds.map(({ from, to }) => ({ from, to, succeeded: 0, failed: 0, successRate: null, attempts: 0, latencyMs: { p50: null, p95: null } }));
    for (const row of deliveryRows) {
      const bucket = buckets[Number(row.bucket)];
      bucket.succeeded = Number(row.succeeded);
      bucket.failed = Number(row.failed);
      const finished = bucket.succeeded + bucket.failed;
      bucket.successRate = finished === 0 ? null : Math.round((bucket.succeeded / finished) * 10_000) / 10_000;
    }
    for (const row of attemptRows) buckets[Number(row.bucket)].attempts = Number(row.attempts);
    await Promise.all(
      buckets.map(async (bucket, index) => {
        if (bucket.attempts === 0) return;
        const bucketWindow = { ...window, from: bucket.from, to: bucket.to };
        const last = index === buckets.length - 1;
        bucket.latencyMs.p50 = await this.durationAtRank(tenantId, bucketWindow, last, Math.ceil(0.5 * bucket.attempts));
        bucket.latencyMs.p95 = await this.durationAtRank(tenantId, bucketWindow, last, Math.ceil(0.95 * bucket.attempts));
      }),
    );
    return buckets;
  }

  /** Nearest rank within one bucket; the last bucket includes the window's end. */
  private durationAtRank(tenantId: string, bucket: StatsWindow, inclusiveEnd: boolean, rank: number): Promise<number | null> {
    return durationAtRank(attemptsOfDeliveriesCreatedIn(this.scoped, tenantId, bucket, inclusiveEnd ? 'inclusive' : 'exclusive'), rank);
  }

  private deliveries(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    return deliveriesCreatedIn(this.scoped, tenantId, window);
  }

  private attempts(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    return attemptsOfDeliveriesCreatedIn(this.scoped, tenantId, window);
  }
}
