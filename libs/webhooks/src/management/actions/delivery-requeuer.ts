import { ConflictException, HttpException, Injectable } from '@nestjs/common';
import { DeliveryStatus, WebhookDelivery } from '../../storage/entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { EndpointsService } from '../endpoints.service';
import { FailedDeliveriesQueries, type DeliveryPosition } from '../../storage/queries/failed-deliveries.queries';
import { TenantScopedQueries } from '../../storage/queries/tenant-scoped.queries';
import { DeliveryActionsStore } from '../../storage/queries/delivery-actions.store';
import { OutboxEnqueuer } from '../../publishing/outbox-enqueuer';

const RECOVER_BATCH = 500;

/** Dead letters to recover: created since `since`, optionally one endpoint's or one type's. */
export interface RecoverFilter {
  since: Date;
  endpointId?: string;
  eventType?: string;
}

/** How one delivery of a retry of many went: queued again, or why not. */
export type RetryOutcome = { deliveryId: string; status: DeliveryStatus; error: null } | { deliveryId: string; status: null; error: string };

/**
 * Manual retry and recovery: both put deliveries back to `pending`, due now, and hand them
 * to the dispatcher. Attempt numbers continue (the history stays), so a delivery whose
 * schedule is used up gets one more attempt and is dead-lettered again if it fails.
 */
@Injectable()
export class DeliveryRequeuer {
  constructor(
    private readonly scoped: TenantScopedQueries,
    private readonly actions: DeliveryActionsStore,
    private readonly failed: FailedDeliveriesQueries,
    private readonly endpoints: EndpointsService,
    private readonly outbox: OutboxEnqueuer,
  ) {}

  /** Attempts one delivery again now, whatever its outcome so far (not while one runs). */
  async retry(tenantId: string | null, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.scoped.findOwned(WebhookDelivery, tenantId, deliveryId, 'delivery');
    if (delivery.status === DeliveryStatus.Delivering) throw new ConflictException('delivery is being attempted right now');
    await this.assertDeliverable(tenantId, delivery.endpointId);
    const now = new Date();
    if (!(await this.actions.makeDue(tenantId, delivery.id, delivery.status, now))) throw new ConflictException('delivery changed meanwhile, try again');
    // requeue, not enqueue: a retrying delivery already has a delayed Bull job, which is promoted.
    await this.outbox.requeueNow([{ id: delivery.id, runAt: now }]);
    return { ...delivery, status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now };
  }

  /** `retry` for each delivery, one after the other; a refusal is that delivery's outcome, not an error. */
  async retryEach(tenantId: string | null, deliveryIds: readonly string[]): Promise<RetryOutcome[]> {
    const outcomes: RetryOutcome[] = [];
    for (const deliveryId of deliveryIds) {
      try {
        outcomes.push({ deliveryId, status: (await this.retry(tenantId, deliveryId)).status, error: null });
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        outcomes.push({ deliveryId, status: null, error: error.message });
      }
    }
    return outcomes;
  }

  /** Queues again the endpoint's dead-lettered deliveries created since `since` (up to now). */
  async recover(tenantId: string | null, endpointId: string, since: Date): Promise<number> {
    await this.endpoints.get(endpointId, { tenantId });
    await this.assertDeliverable(tenantId, endpointId);
    return this.requeueFailed(tenantId, { since, until: new Date(), endpointId });
  }

  /**
   * Queues again the tenant's dead letters created since `since` that the filter matches.
   * Those whose endpoint was deleted or disabled since are left where they are: `skipped`.
   */
  async recoverMatching(tenantId: string | null, filter: RecoverFilter): Promise<{ count: number; skipped: number }> {
    // Another tenant's endpoint answers 404, like one that does not exist.
    if (filter.endpointId) await this.scoped.findOwned(WebhookEndpoint, tenantId, filter.endpointId, 'endpoint');
    const matching = { ...filter, until: new Date() };
    const skipped = await this.failed.countUndeliverable(tenantId, matching);
    return { count: await this.requeueFailed(tenantId, matching), skipped };
  }

  private async requeueFailed(tenantId: string | null, filter: RecoverFilter & { until: Date }): Promise<number> {
    let after: DeliveryPosition | null = null;
    let count = 0;
    for (;;) {
      const batch = await this.failed.deliverableBatch(tenantId, filter, after, RECOVER_BATCH);
      if (batch.length === 0) break;
      count += await this.requeueBatch(tenantId, batch.map((row) => row.id));
      if (batch.length < RECOVER_BATCH) break;
      after = batch[batch.length - 1];
    }
    return count;
  }

  private async requeueBatch(tenantId: string | null, ids: string[]): Promise<number> {
    const now = new Date();
    const changed = await this.actions.makeFailedDue(tenantId, ids, now);
    await this.outbox.requeueNow(ids.map((id) => ({ id, runAt: now })));
    return changed;
  }

  /** A deleted endpoint cannot receive, and a disabled one would fail them again at once. */
  private async assertDeliverable(tenantId: string | null, endpointId: string): Promise<void> {
    const endpoint = await this.actions.endpointEvenDeleted(tenantId, endpointId);
    if (!endpoint || endpoint.deletedAt) throw new ConflictException('the endpoint was deleted');
    if (endpoint.status === EndpointStatus.Disabled) throw new ConflictException('the endpoint is disabled: enable it first');
  }
}
