import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, type DataSource } from 'typeorm';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { transactionRunnerFor, type TransactionRunner } from '../dialect/transaction-runner';
import type { JsonValue } from '../entities/column-types';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import type { ClaimedDelivery, Lease } from '../deliveries/delivery-records';
import { TenantScopedQueries } from './tenant-scoped.queries';

/** Which deliveries a cancel is for: one, an endpoint's or an event's (all that are given). */
export interface CancelTarget {
  deliveryId?: string;
  endpointId?: string;
  eventId?: string;
}

const WAITING = [DeliveryStatus.Pending, DeliveryStatus.Retrying];

/**
 * The statements of the management actions (manual retry, recovery, replay, cancel, test
 * sends), each limited to one tenant's rows.
 */
@Injectable()
export class DeliveryActionsStore {
  private readonly transactions: TransactionRunner;

  constructor(
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
    private readonly scoped: TenantScopedQueries,
  ) {
    this.transactions = transactionRunnerFor(dataSource);
  }

  /** Makes the delivery due now, if it still has the status it was read with: false otherwise. */
  async makeDue(tenantId: string | null, deliveryId: string, readStatus: DeliveryStatus, now: Date): Promise<boolean> {
    const result = await this.scoped
      .update(WebhookDelivery, tenantId, { status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now })
      .andWhere({ id: deliveryId, status: readStatus })
      .execute();
    return result.affected === 1;
  }

  /** Makes those of the dead letters `ids` that are still failed due now; returns how many. */
  async makeFailedDue(tenantId: string | null, ids: readonly string[], now: Date): Promise<number> {
    const changed = await this.scoped
      .update(WebhookDelivery, tenantId, { status: DeliveryStatus.Pending, nextAttemptAt: now, completedAt: null, updatedAt: now })
      .andWhere({ id: In([...ids]), status: DeliveryStatus.Failed })
      .execute();
    return changed.affected ?? ids.length;
  }

  /**
   * Cancels the target's deliveries that wait (pending or retrying); returns how many.
   *
   * NOTE: one conditional UPDATE. A worker's claim also needs a waiting status, so the two
   * exclude each other row by row: a delivery is either claimed (then `delivering`, which
   * this leaves to its attempt) or cancelled, and a cancelled one is never claimed, so never sent.
   */
  async cancelWaiting(tenantId: string | null, target: CancelTarget, now: Date): Promise<number> {
    const result = await this.scoped
      .update(WebhookDelivery, tenantId, { status: DeliveryStatus.Cancelled, lastError: 'cancelled by request', nextAttemptAt: null, completedAt: now, updatedAt: now })
      .andWhere({ ...targetColumns(target), status: In(WAITING) })
      .execute();
    return result.affected ?? 0;
  }

  /** How many of the target's deliveries are being attempted right now. */
  countBeingAttempted(tenantId: string | null, target: CancelTarget): Promise<number> {
    return this.scoped.select(WebhookDelivery, 'd', tenantId).andWhere({ ...targetColumns(target), status: DeliveryStatus.Delivering }).getCount();
  }

  /** The tenant's endpoint, deleted or not (null when there is none). */
  endpointEvenDeleted(tenantId: string | null, endpointId: string): Promise<WebhookEndpoint | null> {
    return this.scoped.select(WebhookEndpoint, 'endpoint', tenantId).withDeleted().andWhere('endpoint.id = :endpointId', { endpointId }).getOne();
  }

  /**
   * One new pending delivery of the event for every endpoint that already had one of it and is
   * neither deleted nor disabled since (of `endpointIds` only, when given: not empty); returns their ids.
   */
  replayDeliveries(tenantId: string | null, event: WebhookEvent, now: Date, endpointIds?: readonly string[]): Promise<string[]> {
    return this.transactions.run(async (manager) => {
      const query = this.scoped
        .select(WebhookEndpoint, 'endpoint', tenantId, manager)
        .select(['endpoint.id'])
        .andWhere('endpoint.status <> :disabled', { disabled: EndpointStatus.Disabled })
        .andWhere((inner) => `endpoint.id IN ${inner.subQuery().select('d.endpointId').from(WebhookDelivery, 'd').where('d.eventId = :eventId', { eventId: event.id }).getQuery()}`);
      if (endpointIds) query.andWhere('endpoint.id IN (:...endpointIds)', { endpointIds: [...endpointIds] });
      const endpoints = await query.getMany();
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
  }

  /**
   * A test event and its one delivery, stored already claimed under `lease` (`delivering` until
   * it ends), so that no dispatcher takes it before the caller attempts it.
   */
  async insertClaimedTest(tenantId: string, endpointId: string, event: { type: string; data: JsonValue }, lease: Lease, now: Date): Promise<ClaimedDelivery> {
    const delivery = { id: randomUUID(), eventId: randomUUID(), endpointId, tenantId, eventType: event.type, attemptCount: 0, leaseToken: lease.token };
    await this.transactions.run(async (manager) => {
      await manager.insert(WebhookEvent, { id: delivery.eventId, type: event.type, tenantId, data: event.data, idempotencyKey: null, createdAt: now });
      await manager.insert(WebhookDelivery, { ...delivery, status: DeliveryStatus.Delivering, nextAttemptAt: lease.until, createdAt: now, updatedAt: now });
    });
    return delivery;
  }

  firstAttempt(deliveryId: string): Promise<WebhookAttempt | null> {
    return this.dataSource.getRepository(WebhookAttempt).findOne({ where: { deliveryId }, order: { number: 'ASC' } });
  }

  delivery(deliveryId: string): Promise<WebhookDelivery | null> {
    return this.dataSource.getRepository(WebhookDelivery).findOneBy({ id: deliveryId });
  }
}

function targetColumns(target: CancelTarget): Partial<Pick<WebhookDelivery, 'id' | 'endpointId' | 'eventId'>> {
  return {
    ...(target.deliveryId === undefined ? {} : { id: target.deliveryId }),
    ...(target.endpointId === undefined ? {} : { endpointId: target.endpointId }),
    ...(target.eventId === undefined ? {} : { eventId: target.eventId }),
  };
}
