import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { ratio, successRates } from './ratios';
import { attemptsOfDeliveriesCreatedIn, deliveriesCreatedIn, durationAtRank, type StatsWindow } from './stats-window';
import { TenantScopedQueries } from './tenant-scoped.queries';

export type { StatsWindow } from './stats-window';

export interface DeliveryStats {
  from: Date;
  to: Date;
  deliveries: Record<DeliveryStatus, number> & { total: number; held: number };
  successRate: number | null;
  successRateIncludingRetrying: number | null;
  attempts: number;
  averageAttempts: number | null;
  latencyMs: { average: number | null; p50: number | null; p95: number | null };
  byEventType: Array<{
    eventType: string;
    total: number;
    succeeded: number;
    failed: number;
    retrying: number;
    successRate: number | null;
    successRateIncludingRetrying: number | null;
  }>;
  byStatusCode: Array<{ statusCode: number | null; attempts: number }>;
}

/**
 * Figures over the deliveries created in a window and their attempts, computed in the
 * database. Definitions (also in docs/api.md):
 * - success rate = succeeded / (succeeded + failed); pending, retrying and cancelled ones do not count;
 * - success rate including retrying = succeeded / (succeeded + failed + retrying): what waits
 *   for another attempt, or behind its endpoint's open circuit, counts as not delivered;
 * - held = pending or retrying deliveries whose endpoint holds them now (circuit open, paused);
 * - average attempts = attempts per finished (succeeded or failed) delivery;
 * - latency = attempt durations; pN is the nearest-rank percentile: the value at rank
 *   ceil(N/100 × count) of the ascending durations.
 */
@Injectable()
export class DeliveryStatsQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  async compute(tenantId: string, window: StatsWindow, now: Date = new Date()): Promise<DeliveryStats> {
    const [byStatus, finished, byEventType, attemptTotals, byStatusCode, held] = await Promise.all([
      this.deliveries(tenantId, window).select('d.status', 'status').addSelect('COUNT(*)', 'count').groupBy('d.status').getRawMany<{ status: DeliveryStatus; count: unknown }>(),
      this.deliveries(tenantId, window)
        .select('COUNT(*)', 'count')
        .addSelect('SUM(d.attemptCount)', 'attempts')
        .andWhere('d.status IN (:...finishedStatuses)', { finishedStatuses: [DeliveryStatus.Succeeded, DeliveryStatus.Failed] })
        .getRawOne<{ count: unknown; attempts: unknown }>(),
      this.deliveries(tenantId, window)
        .select('d.eventType', 'eventType')
        .addSelect('COUNT(*)', 'total')
        .addSelect('SUM(CASE WHEN d.status = :succeededStatus THEN 1 ELSE 0 END)', 'succeeded')
        .addSelect('SUM(CASE WHEN d.status = :failedStatus THEN 1 ELSE 0 END)', 'failed')
        .addSelect('SUM(CASE WHEN d.status = :retryingStatus THEN 1 ELSE 0 END)', 'retrying')
        .setParameters({ succeededStatus: DeliveryStatus.Succeeded, failedStatus: DeliveryStatus.Failed, retryingStatus: DeliveryStatus.Retrying })
        .groupBy('d.eventType')
        .orderBy('d.eventType', 'ASC')
        .getRawMany<{ eventType: string; total: unknown; succeeded: unknown; failed: unknown; retrying: unknown }>(),
      this.attempts(tenantId, window).select('COUNT(*)', 'count').addSelect('SUM(a.durationMs)', 'duration').getRawOne<{ count: unknown; duration: unknown }>(),
      this.attempts(tenantId, window)
        .select('a.responseStatus', 'statusCode')
        .addSelect('COUNT(*)', 'attempts')
        .groupBy('a.responseStatus')
        .getRawMany<{ statusCode: unknown; attempts: unknown }>(),
      this.heldDeliveries(tenantId, window, now),
    ]);

    const deliveries = { total: 0, held, ...Object.fromEntries(Object.values(DeliveryStatus).map((status) => [status, 0])) } as DeliveryStats['deliveries'];
    for (const row of byStatus) {
      deliveries[row.status] = Number(row.count);
      deliveries.total += Number(row.count);
    }
    const attemptCount = Number(attemptTotals?.count ?? 0);
    const finishedCount = Number(finished?.count ?? 0);
    return {
      from: window.from,
      to: window.to,
      deliveries,
      ...successRates(deliveries),
      attempts: attemptCount,
      averageAttempts: ratio(Number(finished?.attempts ?? 0), finishedCount, 2),
      latencyMs: {
        average: ratio(Number(attemptTotals?.duration ?? 0), attemptCount, 2),
        p50: await this.durationPercentile(tenantId, window, 50, attemptCount),
        p95: await this.durationPercentile(tenantId, window, 95, attemptCount),
      },
      byEventType: byEventType.map((row) => {
        const counts = { succeeded: Number(row.succeeded), failed: Number(row.failed), retrying: Number(row.retrying) };
        return { eventType: row.eventType, total: Number(row.total), ...counts, ...successRates(counts) };
      }),
      // Sorted here: databases disagree on where NULL (no answer) sorts.
      byStatusCode: byStatusCode
        .map((row) => ({ statusCode: row.statusCode === null ? null : Number(row.statusCode), attempts: Number(row.attempts) }))
        .sort((x, y) => (x.statusCode ?? Number.MAX_SAFE_INTEGER) - (y.statusCode ?? Number.MAX_SAFE_INTEGER)),
    };
  }

  /** Nearest-rank percentile of attempt durations, read as the one row at that rank. */
  private async durationPercentile(tenantId: string, window: StatsWindow, percentile: number, count: number): Promise<number | null> {
    if (count === 0) return null;
    return durationAtRank(this.attempts(tenantId, window), Math.ceil((percentile / 100) * count));
  }

  /** Waiting deliveries of the window that their endpoint holds now (open circuit, paused). */
  private async heldDeliveries(tenantId: string, window: StatsWindow, now: Date): Promise<number> {
    const row = await this.deliveries(tenantId, window)
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpointId')
      .select('COUNT(*)', 'count')
      .andWhere('d.status IN (:...waitingStatuses)', { waitingStatuses: [DeliveryStatus.Pending, DeliveryStatus.Retrying] })
      .andWhere('(e.status = :pausedStatus OR e.circuitOpenUntil > :heldAt)', { pausedStatus: EndpointStatus.Paused, heldAt: now })
      .getRawOne<{ count: unknown }>();
    return Number(row?.count ?? 0);
  }

  private deliveries(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    return deliveriesCreatedIn(this.scoped, tenantId, window);
  }

  private attempts(tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
    return attemptsOfDeliveriesCreatedIn(this.scoped, tenantId, window);
  }
}
