import { Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import { readPage, type Page } from './keyset-page';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface DeliveryFilter {
  endpointId?: string;
  eventId?: string;
  eventType?: string;
  status?: DeliveryStatus;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

export interface DeliveryWithAttempts {
  delivery: WebhookDelivery;
  attempts: WebhookAttempt[];
  /** Its event; null once retention removed it. */
  event: WebhookEvent | null;
}

export interface FailedDelivery {
  delivery: WebhookDelivery;
  endpointUrl: string;
}

/** Read side of the delivery routes. */
@Injectable()
export class DeliveriesQueries {
  constructor(
    private readonly scoped: TenantScopedQueries,
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The tenant's deliveries matching the filter, unordered; `d` is the delivery alias. */
  filtered(tenantId: string | null, filter: DeliveryFilter): SelectQueryBuilder<WebhookDelivery> {
    const query = this.scoped.select(WebhookDelivery, 'd', tenantId);
    if (filter.endpointId) query.andWhere('d.endpointId = :endpointId', { endpointId: filter.endpointId });
    if (filter.eventId) query.andWhere('d.eventId = :eventId', { eventId: filter.eventId });
    if (filter.eventType) query.andWhere('d.eventType = :eventType', { eventType: filter.eventType });
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.from) query.andWhere('d.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('d.createdAt < :to', { to: filter.to });
    return query;
  }

  list(tenantId: string | null, filter: DeliveryFilter, page: { limit: number; cursor?: string }): Promise<Page<WebhookDelivery>> {
    return readPage(this.filtered(tenantId, filter), 'd', page);
  }

  count(tenantId: string | null, filter: DeliveryFilter): Promise<number> {
    return this.filtered(tenantId, filter).getCount();
  }

  async detail(tenantId: string | null, id: string): Promise<DeliveryWithAttempts> {
    const delivery = await this.scoped.findOwned(WebhookDelivery, tenantId, id, 'delivery');
    const [attempts, event] = await Promise.all([
      this.dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: delivery.id }, order: { number: 'ASC', startedAt: 'ASC' } }),
      this.scoped.select(WebhookEvent, 'e', tenantId).andWhere('e.id = :eventId', { eventId: delivery.eventId }).getOne(),
    ]);
    return { delivery, attempts, event };
  }

  /** The most recent dead letters, with the URL they were bound for. */
  async recentFailures(tenantId: string, limit: number): Promise<FailedDelivery[]> {
    const rows = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .andWhere('d.status = :failed', { failed: DeliveryStatus.Failed })
      .orderBy('d.updatedAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .take(limit)
      .getMany();
    const endpointIds = [...new Set(rows.map((row) => row.endpointId))];
    const endpoints = endpointIds.length
      ? await this.scoped.select(WebhookEndpoint, 'endpoint', tenantId).withDeleted().andWhere('endpoint.id IN (:...endpointIds)', { endpointIds }).getMany()
      : [];
    const urls = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.url]));
    return rows.map((delivery) => ({ delivery, endpointUrl: urls.get(delivery.endpointId) ?? '' }));
  }
}
