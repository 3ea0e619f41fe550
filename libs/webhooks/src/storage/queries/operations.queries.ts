import { Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { DataSource, LessThanOrEqual, type SelectQueryBuilder } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { ATTEMPTABLE_STATUSES } from '../deliveries/delivery-records';

/** Due deliveries are counted up to this many: past it, the count only says "at least". */
export const DUE_COUNT_LIMIT = 100_000;

export interface Backlog {
  /** Deliveries due now (attemptable, `nextAttemptAt` passed), at most `DUE_COUNT_LIMIT`. */
  due: number;
  /** How long the oldest due delivery has been due, in ms; 0 when none is. */
  oldestDueMs: number;
}

/** Deliveries whose latest outcome fell in a window, one count per delivery. */
export interface RecentOutcomes {
  /** Finished as delivered in the window. */
  succeeded: number;
  /** Finished as failed in the window: dead-lettered, refused for good, or endpoint disabled. */
  failed: number;
  /** Waiting for a retry after a failed attempt, and updated in the window. */
  retrying: number;
}

export interface EndpointCounts {
  /** Endpoints by status, soft-deleted ones left out; every status is present. */
  byStatus: Record<EndpointStatus, number>;
  /** Endpoints whose circuit is open (`circuitOpenUntil` in the future). */
  openCircuits: number;
}

/**
 * The reads behind the health indicator and the scrape-time gauges. Each one is answered
 * from an index (`status, nextAttemptAt` and `status, completedAt` of the deliveries) or from
 * the endpoints table, which is small; none reads attempts.
 */
@Injectable()
export class OperationsQueries {
  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  async backlog(now: Date): Promise<Backlog> {
    const [due, oldest] = await Promise.all([this.countDue(now), this.oldestDue(now)]);
    return { due, oldestDueMs: oldest ? Math.max(0, now.getTime() - oldest.getTime()) : 0 };
  }

  async recentOutcomes(since: Date): Promise<RecentOutcomes> {
    const [finished, retrying] = await Promise.all([
      this.deliveries()
        .select('d.status', 'status')
        .addSelect('COUNT(*)', 'count')
        .where('d.status IN (:...finishedStatuses)', { finishedStatuses: [DeliveryStatus.Succeeded, DeliveryStatus.Failed] })
        .andWhere('d.completedAt >= :since', { since })
        .groupBy('d.status')
        .getRawMany<{ status: DeliveryStatus; count: unknown }>(),
      // `retrying` is also where postponed deliveries wait: only those with an attempt failed.
      this.deliveries()
        .select('COUNT(*)', 'count')
        .where('d.status = :retrying', { retrying: DeliveryStatus.Retrying })
        .andWhere('d.attemptCount > 0')
        .andWhere('d.updatedAt >= :since', { since })
        .getRawOne<{ count: unknown }>(),
    ]);
    const count = (status: DeliveryStatus) => Number(finished.find((row) => row.status === status)?.count ?? 0);
    return { succeeded: count(DeliveryStatus.Succeeded), failed: count(DeliveryStatus.Failed), retrying: Number(retrying?.count ?? 0) };
  }

  async endpoints(now: Date): Promise<EndpointCounts> {
    const endpoints = this.dataSource.getRepository(WebhookEndpoint);
    const [rows, openCircuits] = await Promise.all([
      endpoints.createQueryBuilder('e').select('e.status', 'status').addSelect('COUNT(*)', 'count').groupBy('e.status').getRawMany<{ status: EndpointStatus; count: unknown }>(),
      endpoints.createQueryBuilder('e').where('e.circuitOpenUntil > :now', { now }).getCount(),
    ]);
    const byStatus = Object.fromEntries(Object.values(EndpointStatus).map((status) => [status, 0])) as Record<EndpointStatus, number>;
    for (const row of rows) byStatus[row.status] = Number(row.count);
    return { byStatus, openCircuits };
  }

  /** Counts at most `DUE_COUNT_LIMIT` rows, so a huge backlog does not make every check slow. */
  private async countDue(now: Date): Promise<number> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from(
        (subQuery) =>
          subQuery
            .select('d.id')
            .from(WebhookDelivery, 'd')
            .where('d.status IN (:...attemptable)', { attemptable: ATTEMPTABLE_STATUSES })
            .andWhere('d.nextAttemptAt <= :now', { now })
            .limit(DUE_COUNT_LIMIT),
        'due',
      )
      .getRawOne<{ count: unknown }>();
    return Number(row?.count ?? 0);
  }

  /** One index lookup per status (the first entry of each), rather than a MIN over them all. */
  private async oldestDue(now: Date): Promise<Date | null> {
    const firsts = await Promise.all(
      ATTEMPTABLE_STATUSES.map((status) =>
        this.dataSource.getRepository(WebhookDelivery).findOne({
          select: { id: true, nextAttemptAt: true },
          where: { status, nextAttemptAt: LessThanOrEqual(now) },
          order: { nextAttemptAt: 'ASC' },
        }),
      ),
    );
    const times = firsts.flatMap((delivery) => (delivery?.nextAttemptAt ? [delivery.nextAttemptAt.getTime()] : []));
    return times.length > 0 ? new Date(Math.min(...times)) : null;
  }

  private deliveries(): SelectQueryBuilder<WebhookDelivery> {
    return this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d');
  }
}
