import { Injectable } from '@nestjs/common';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { DeliveryActionsStore } from '../../storage/queries/delivery-actions.store';
import { TenantScopedQueries } from '../../storage/queries/tenant-scoped.queries';
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
    private readonly scoped: TenantScopedQueries,
    private readonly actions: DeliveryActionsStore,
    private readonly outbox: OutboxEnqueuer,
  ) {}

  async replay(tenantId: string, eventId: string): Promise<{ eventId: string; deliveryCount: number }> {
    const event = await this.scoped.findOwned(WebhookEvent, tenantId, eventId, 'event');
    const now = new Date();
    const ids = await this.actions.replayDeliveries(tenantId, event, now);
    await this.outbox.enqueueNow(ids.map((id) => ({ id, runAt: now })));
    return { eventId: event.id, deliveryCount: ids.length };
  }
}
