import { Injectable } from '@nestjs/common';
import { WebhookDelivery } from '../../storage/entities/delivery.entity';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { readPage, type Page } from './keyset-page';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface EventFilter {
  eventType?: string;
  from?: Date;
  to?: Date;
}

/** Read side of the event routes. */
@Injectable()
export class EventsQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  list(tenantId: string, filter: EventFilter, page: { limit: number; cursor?: string }): Promise<Page<WebhookEvent>> {
    const query = this.scoped.select(WebhookEvent, 'e', tenantId);
    if (filter.eventType) query.andWhere('e.type = :type', { type: filter.eventType });
    if (filter.from) query.andWhere('e.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('e.createdAt < :to', { to: filter.to });
    return readPage(query, 'e', page);
  }

  async detail(tenantId: string, id: string): Promise<{ event: WebhookEvent; deliveries: WebhookDelivery[] }> {
    const event = await this.scoped.findOwned(WebhookEvent, tenantId, id, 'event');
    const deliveries = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .andWhere('d.eventId = :eventId', { eventId: event.id })
      .orderBy('d.createdAt', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .getMany();
    return { event, deliveries };
  }
}
