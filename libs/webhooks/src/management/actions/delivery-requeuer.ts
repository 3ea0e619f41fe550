import { ConflictException, Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../../storage/entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { EndpointsService } from '../endpoints.service';
import { TenantScopedQueries } from '../queries/tenant-scoped.queries';
import { OutboxEnqueuer } from '../../publishing/outbox-enqueuer';

const RECOVER_BATCH = 500;

/**
 * Manual retry and endpoint recovery: both put deliveries back to `pending`, due now, and
 * hand them to the dispatcher. Attempt numbers continue (the history stays), so a delivery
 * whose schedule is used up gets one more attempt and is dead-lettered again if it fails.
 */
@Injectable()
export class DeliveryRequeuer {
  constructor(
    private readonly scoped: TenantScopedQueries,
    private readonly endpoints: EndpointsService,
    private readonly outbox: OutboxEnqueuer,
  ) {}

  /** Attempts one delivery again now, whatever its outcome so far (not while one runs). */
  async retry(tenantId: string, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.scoped.findOwned(WebhookDelivery, tenantId, deliveryId, 'delivery');
    if (delivery.status === DeliveryStatus.Delivering) throw new ConflictException('delivery is being attempted right now');
    await this.assertDeliverable(tenantId, delivery.endpointId);
    const now = new Date();
    const result = await this.scoped
      .update(WebhookDelivery, tenantId, { status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now })
      .andWhere({ id: delivery.id, status: delivery.status })
      .execute();
    if (result.affected !== 1) throw new ConflictException('delivery changed meanwhile, try again');
    // requeue, not enqueue: a retrying delivery already has a delayed Bull job, which is promoted.
    await this.outbox.requeueNow([{ id: delivery.id, runAt: now }]);
    return { ...delivery, status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now };
  }

  /**
   * Queues again the endpoint's dead-lettered deliveries created since `since` (up to now).
   * Walks them once in creation order, so deliveries that fail again meanwhile are not
   * picked up twice. Returns how many were queued.
   */
  async recover(tenantId: string, endpointId: string, since: Date): Promise<number> {
    await this.endpoints.get(endpointId, { tenantId });
    await this.assertDeliverable(tenantId, endpointId);
    const until = new Date();
    let after: { createdAt: Date; id: string } | null = null;
    let count = 0;
    for (;;) {
      const query = this.scoped
        .select(WebhookDelivery, 'd', tenantId)
        .select(['d.id', 'd.createdAt'])
        .andWhere('d.endpointId = :endpointId', { endpointId })
        .andWhere('d.status = :failed', { failed: DeliveryStatus.Failed })
        .andWhere('d.createdAt >= :since AND d.createdAt <= :until', { since, until });
      if (after) query.andWhere('(d.createdAt > :afterCreatedAt OR (d.createdAt = :afterCreatedAt AND d.id > :afterId))', { afterCreatedAt: after.createdAt, afterId: after.id });
      const batch = await query.orderBy('d.createdAt', 'ASC').addOrderBy('d.id', 'ASC').take(RECOVER_BATCH).getMany();
      if (batch.length === 0) break;
      count += await this.requeueFailed(tenantId, batch.map((row) => row.id));
      if (batch.length < RECOVER_BATCH) break;
      after = batch[batch.length - 1];
    }
    return count;
  }

  private async requeueFailed(tenantId: string, ids: string[]): Promise<number> {
    const now = new Date();
    const changed = await this.scoped
      .update(WebhookDelivery, tenantId, { status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now })
      .andWhere({ id: In(ids), status: DeliveryStatus.Failed })
      .execute();
    await this.outbox.requeueNow(ids.map((id) => ({ id, runAt: now })));
    return changed.affected ?? ids.length;
  }

  /** A deleted endpoint cannot receive, and a disabled one would fail them again at once. */
  private async assertDeliverable(tenantId: string, endpointId: string): Promise<void> {
    const endpoint = await this.scoped.select(WebhookEndpoint, 'endpoint', tenantId).withDeleted().andWhere('endpoint.id = :endpointId', { endpointId }).getOne();
    if (!endpoint || endpoint.deletedAt) throw new ConflictException('the endpoint was deleted');
    if (endpoint.status === EndpointStatus.Disabled) throw new ConflictException('the endpoint is disabled: enable it first');
  }
}
