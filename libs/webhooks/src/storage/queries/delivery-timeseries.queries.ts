import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import type { StatsWindow } from './delivery-stats.queries';
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
  private async durationAtRank(tenantId: string, bucket: StatsWindow, inclusiveEnd: boolean, rank: number): Promise<number | null> {
    const query = this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .innerJoin(WebhookAttempt, 'a', 'a.deliveryId = d.id')
      .andWhere('d.createdAt >= :bucketFrom', { bucketFrom: bucket.from })
      .andWhere(inclusiveEnd ? 'd.createdAt <= :bucketTo' : 'd.createdAt < :bucketTo', { bucketTo: bucket.to });
    if (bucket.endpointId) query.andWhere('d.endpointId = :windowEndpointId', { windowEndpointId: bucket.endpointId });
    const row = await query
      .select('a.durationMs', 'durationMs')
      .orderBy('a.durationMs', 'ASC')
      .offset(rank - 1)
      .limit(1)
      .getRawOne<{ durationMs: unknown }>();
    return row ? Number(row.durationMs) : null;
  }

  private deliveries(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    const query = this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .andWhere('d.createdAt >= :windowFrom', { windowFrom: window.from })
      .andWhere('d.createdAt <= :windowTo', { windowTo: window.to });
    if (window.endpointId) query.andWhere('d.endpointId = :windowEndpointId', { windowEndpointId: window.endpointId });
    return query;
  }

  private attempts(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    return this.deliveries(tenantId, window).innerJoin(WebhookAttempt, 'a', 'a.deliveryId = d.id');
  }
}
