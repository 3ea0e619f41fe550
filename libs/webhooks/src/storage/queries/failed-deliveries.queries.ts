import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { TenantScopedQueries } from './tenant-scoped.queries';

/** Dead letters to send again: created in [since, until], optionally one endpoint's or one type's. */
export interface FailedDeliveryFilter {
  since: Date;
  until: Date;
  endpointId?: string;
  eventType?: string;
}

export interface DeliveryPosition {
  id: string;
  createdAt: Date;
}

/** The reads of recovery: which dead letters can be sent again, in batches, and which cannot. */
@Injectable()
export class FailedDeliveriesQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  /**
   * Up to `limit` dead letters after `after`, oldest first, whose endpoint can receive them
   * (neither deleted nor disabled): walking in creation order, deliveries that fail again
   * meanwhile come after the walk and are not picked up twice.
   */
  deliverableBatch(tenantId: string | null, filter: FailedDeliveryFilter, after: DeliveryPosition | null, limit: number): Promise<DeliveryPosition[]> {
    const query = this.matching(tenantId, filter)
      .select(['d.id', 'd.createdAt'])
      .andWhere('e.deletedAt IS NULL')
      .andWhere('e.status <> :disabledStatus', { disabledStatus: EndpointStatus.Disabled });
    if (after) query.andWhere('(d.createdAt > :afterCreatedAt OR (d.createdAt = :afterCreatedAt AND d.id > :afterId))', { afterCreatedAt: after.createdAt, afterId: after.id });
    return query.orderBy('d.createdAt', 'ASC').addOrderBy('d.id', 'ASC').take(limit).getMany();
  }

  /** Dead letters the filter matches whose endpoint is deleted or disabled: recovery leaves them. */
  countUndeliverable(tenantId: string | null, filter: FailedDeliveryFilter): Promise<number> {
    return this.matching(tenantId, filter)
      .andWhere('(e.deletedAt IS NOT NULL OR e.status = :disabledStatus)', { disabledStatus: EndpointStatus.Disabled })
      .getCount();
  }

  private matching(tenantId: string | null, filter: FailedDeliveryFilter): SelectQueryBuilder<WebhookDelivery> {
    // withDeleted: the endpoint conditions above say which endpoints count, deleted ones included.
    const query = this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .withDeleted()
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpointId')
      .andWhere('d.status = :failedStatus', { failedStatus: DeliveryStatus.Failed })
      .andWhere('d.createdAt >= :since AND d.createdAt <= :until', { since: filter.since, until: filter.until });
    if (filter.endpointId) query.andWhere('d.endpointId = :endpointId', { endpointId: filter.endpointId });
    if (filter.eventType) query.andWhere('d.eventType = :eventType', { eventType: filter.eventType });
    return query;
  }
}
