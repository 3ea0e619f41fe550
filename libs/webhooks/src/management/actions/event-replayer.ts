import { Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../../storage/data-source.provider';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../../storage/entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { inTransaction } from '../../storage/transactions';
import { TenantScopedQueries } from '../queries/tenant-scoped.queries';
import { OutboxEnqueuer } from '../../publishing/outbox-enqueuer';

/**
 * Sends an event again, as Svix's "resend" does: one new delivery for every endpoint that
 * already had a delivery of it, skipping endpoints deleted or disabled since. The earlier
 * deliveries and their attempts stay as they were. Endpoints that subscribed after the
 * event are not added: a replay repeats what was sent, it does not publish anew.
 */
@Injectable()
export class EventReplayer {
  constructor(
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
    private readonly scoped: TenantScopedQueries,
    private readonly outbox: OutboxEnqueuer,
  ) {}

  async replay(tenantId: string, eventId: string): Promise<{ eventId: string; deliveryCount: number }> {
    const event = await this.scoped.findOwned(WebhookEvent, tenantId, eventId, 'event');
    const now = new Date();
    const ids = await inTransaction(this.dataSource, async (manager) => {
      const endpoints = await this.scoped
        .select(WebhookEndpoint, 'endpoint', tenantId, manager)
        .select(['endpoint.id'])
        .andWhere('endpoint.status <> :disabled', { disabled: EndpointStatus.Disabled })
        .andWhere((query) => {
          const received = query
            .subQuery()
            .select('d.endpointId')
            .from(WebhookDelivery, 'd')
            .where('d.eventId = :eventId', { eventId: event.id })
            .getQuery();
          return `endpoint.id IN ${received}`;
        })
        .getMany();
      const deliveries = endpoints.map((endpoint) => ({
        id: randomUUID(),
        eventId: event.id,
        endpointId: endpoint.id,
        tenantId: event.tenantId,
        eventType: event.type,
        status: DeliveryStatus.Pending,
        attemptCount: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      }));
      // Ids taken before the insert: TypeORM 1.1 on SQLite may reorder them among the inserted objects.
      const ids = deliveries.map((delivery) => delivery.id);
      if (deliveries.length > 0) await manager.insert(WebhookDelivery, deliveries);
      return ids;
    });
    await this.outbox.enqueueNow(ids.map((id) => ({ id, runAt: now })));
    return { eventId: event.id, deliveryCount: ids.length };
  }
}
