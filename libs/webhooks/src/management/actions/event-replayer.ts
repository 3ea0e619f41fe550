import { Injectable } from '@nestjs/common';
import { WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { DeliveryActionsStore } from '../../storage/queries/delivery-actions.store';
import { TenantScopedQueries } from '../../storage/queries/tenant-scoped.queries';
import { OutboxEnqueuer } from '../../publishing/outbox-enqueuer';

/**
 * Sends an event again, as Svix's "resend" does: one new delivery for every endpoint that
 * already had a delivery of it, skipping endpoints deleted or disabled since. The earlier
 * deliveries and their attempts stay as they were. Endpoints that subscribed after the
 * event are not added: a replay repeats what was sent, it does not publish anew. With
 * `endpointIds`, only those of them are sent it again.
 */
@Injectable()
export class EventReplayer {
  constructor(
    private readonly scoped: TenantScopedQueries,
    private readonly actions: DeliveryActionsStore,
    private readonly outbox: OutboxEnqueuer,
  ) {}

  async replay(tenantId: string | null, eventId: string, endpointIds?: readonly string[]): Promise<{ eventId: string; deliveryCount: number }> {
    const event = await this.scoped.findOwned(WebhookEvent, tenantId, eventId, 'event');
    // Another tenant's endpoint answers 404, like one that does not exist.
    for (const endpointId of new Set(endpointIds)) await this.scoped.findOwned(WebhookEndpoint, tenantId, endpointId, 'endpoint');
    if (endpointIds?.length === 0) return { eventId: event.id, deliveryCount: 0 };
    const now = new Date();
    const ids = await this.actions.replayDeliveries(tenantId, event, now, endpointIds);
    await this.outbox.enqueueNow(ids.map((id) => ({ id, runAt: now })));
    return { eventId: event.id, deliveryCount: ids.length };
  }
}
