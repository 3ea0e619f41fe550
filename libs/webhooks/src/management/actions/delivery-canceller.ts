import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DeliveryStatus, WebhookDelivery } from '../../storage/entities/delivery.entity';
import { WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { DeliveryActionsStore } from '../../storage/queries/delivery-actions.store';
import { TenantScopedQueries } from '../../storage/queries/tenant-scoped.queries';

/** Whose waiting deliveries to cancel: an endpoint's, an event's, or the event's for one endpoint. */
export interface CancelFilter {
  endpointId?: string;
  eventId?: string;
}

export interface CancelledDeliveries {
  /** Pending or retrying deliveries cancelled: none of them is sent. */
  cancelled: number;
  /** Left alone, being attempted right now: each ends as its attempt decides. */
  beingAttempted: number;
}

/**
 * Cancels deliveries that wait (pending or retrying): they end `cancelled` and are never
 * sent; the queue's jobs for them find nothing to claim. A delivery being attempted right now
 * is not touched (its worker records the attempt and what follows), so a cancel never races a
 * worker's write. A cancelled delivery can still be retried by hand.
 */
@Injectable()
export class DeliveryCanceller {
  constructor(
    private readonly scoped: TenantScopedQueries,
    private readonly actions: DeliveryActionsStore,
  ) {}

  /** Cancels one delivery; 409 while it is attempted, or once it succeeded or failed. Cancelling a cancelled one changes nothing. */
  async cancel(tenantId: string | null, deliveryId: string): Promise<{ deliveryId: string; status: DeliveryStatus.Cancelled }> {
    const cancelled = { deliveryId, status: DeliveryStatus.Cancelled } as const;
    if ((await this.actions.cancelWaiting(tenantId, { deliveryId }, new Date())) === 1) return cancelled;
    const { status } = await this.scoped.findOwned(WebhookDelivery, tenantId, deliveryId, 'delivery');
    if (status === DeliveryStatus.Cancelled) return cancelled;
    if (status === DeliveryStatus.Delivering) throw new ConflictException('delivery is being attempted right now: cancel it once the attempt ends');
    if (status === DeliveryStatus.Succeeded || status === DeliveryStatus.Failed) throw new ConflictException(`delivery already ${status}: nothing to cancel`);
    throw new ConflictException('delivery changed meanwhile, try again');
  }

  /** Cancels the waiting deliveries of an endpoint or an event (or both: the event's for that endpoint). */
  async cancelMatching(tenantId: string | null, filter: CancelFilter): Promise<CancelledDeliveries> {
    if (!filter.endpointId && !filter.eventId) throw new BadRequestException('name the endpointId or the eventId whose deliveries to cancel');
    // Another tenant's endpoint or event answers 404, like one that does not exist.
    if (filter.endpointId) await this.scoped.findOwned(WebhookEndpoint, tenantId, filter.endpointId, 'endpoint');
    if (filter.eventId) await this.scoped.findOwned(WebhookEvent, tenantId, filter.eventId, 'event');
    const target = { endpointId: filter.endpointId, eventId: filter.eventId };
    const cancelled = await this.actions.cancelWaiting(tenantId, target, new Date());
    return { cancelled, beingAttempted: await this.actions.countBeingAttempted(tenantId, target) };
  }
}
