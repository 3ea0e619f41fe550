import { Injectable } from '@nestjs/common';
import type { SelectQueryBuilder } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEvent } from '../entities/event.entity';
import { readPage, type Page } from './keyset-page';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface EventFilter {
  eventType?: string;
  eventId?: string;
  /** The event of this delivery. */
  deliveryId?: string;
  from?: Date;
  to?: Date;
}

/** How an event's deliveries stand. */
export interface DeliverySummary {
  total: number;
  succeeded: number;
  failed: number;
  /** Pending, delivering or retrying. */
  waiting: number;
}

const WAITING = new Set<string>([DeliveryStatus.Pending, DeliveryStatus.Delivering, DeliveryStatus.Retrying]);

/** Read side of the event routes. */
@Injectable()
export class EventsQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  list(tenantId: string | null, filter: EventFilter, page: { limit: number; cursor?: string }): Promise<Page<WebhookEvent>> {
    return readPage(this.filtered(tenantId, filter), 'e', page);
  }

  count(tenantId: string | null, filter: EventFilter): Promise<number> {
    return this.filtered(tenantId, filter).getCount();
  }

  /** The deliveries of many events, summed up by event in one grouped read (`eventId` index). */
  async summaries(tenantId: string | null, eventIds: readonly string[]): Promise<Map<string, DeliverySummary>> {
    const summaries = new Map<string, DeliverySummary>(eventIds.map((id) => [id, { total: 0, succeeded: 0, failed: 0, waiting: 0 }]));
    if (eventIds.length === 0) return summaries;
    const rows = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .select('d.eventId', 'eventId')
      .addSelect('d.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .andWhere('d.eventId IN (:...eventIds)', { eventIds })
      .groupBy('d.eventId')
      .addGroupBy('d.status')
      .getRawMany<{ eventId: string; status: DeliveryStatus; count: unknown }>();
    for (const row of rows) {
      const summary = summaries.get(row.eventId);
      if (!summary) continue;
      const count = Number(row.count);
      summary.total += count;
      if (row.status === DeliveryStatus.Succeeded) summary.succeeded += count;
      else if (row.status === DeliveryStatus.Failed) summary.failed += count;
      else if (WAITING.has(row.status)) summary.waiting += count;
    }
    return summaries;
  }

  async detail(tenantId: string | null, id: string): Promise<{ event: WebhookEvent; deliveries: WebhookDelivery[] }> {
    const event = await this.scoped.findOwned(WebhookEvent, tenantId, id, 'event');
    const deliveries = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .andWhere('d.eventId = :eventId', { eventId: event.id })
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .getMany();
    return { event, deliveries };
  }

  private filtered(tenantId: string | null, filter: EventFilter): SelectQueryBuilder<WebhookEvent> {
    const query = this.scoped.select(WebhookEvent, 'e', tenantId);
    if (filter.eventType) query.andWhere('e.type = :type', { type: filter.eventType });
    if (filter.eventId) query.andWhere('e.id = :eventId', { eventId: filter.eventId });
    if (filter.deliveryId) {
      query.andWhere((inner) => {
        const owner = inner.subQuery().select('owner.eventId').from(WebhookDelivery, 'owner').where('owner.id = :deliveryId', { deliveryId: filter.deliveryId }).getQuery();
        return `e.id IN ${owner}`;
      });
    }
    if (filter.from) query.andWhere('e.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.createdAt < :to', { to: filter.to });
    return query;
  }
}
