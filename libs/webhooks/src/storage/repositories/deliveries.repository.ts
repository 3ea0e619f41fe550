import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, LessThanOrEqual, MoreThan, type EntityManager } from 'typeorm';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import type { AttemptResult } from '../../delivery/retry/attempt-outcome';
import type { DueDelivery } from '../../dispatch/delivery-dispatcher';

/** Statuses from which a delivery may be attempted. */
const RELEASE_BATCH = 1_000;
/** Events never change: recently used ones are kept, since one event fans out to many deliveries. */
const EVENT_CACHE_SIZE = 1_000;

/** What an attempt needs of its delivery. */
export const CLAIMED_COLUMNS = ['id', 'eventId', 'endpointId', 'tenantId', 'eventType', 'attemptCount'] as const;
export type ClaimedDelivery = Pick<WebhookDelivery, (typeof CLAIMED_COLUMNS)[number]>;

export const ATTEMPTABLE_STATUSES = [DeliveryStatus.Pending, DeliveryStatus.Retrying, DeliveryStatus.Delivering];

export interface DeliveryContext {
  delivery: ClaimedDelivery;
  event: WebhookEvent;
  endpoint: WebhookEndpoint | null;
}

/** What an attempt changes on its delivery. */
export type DeliveryTransition =
  | { status: DeliveryStatus.Succeeded }
  | { status: DeliveryStatus.Retrying; nextAttemptAt: Date }
  | { status: DeliveryStatus.Failed };

/** Reads and moves deliveries; every state change of a delivery goes through here. */
@Injectable()
export class DeliveriesRepository {
  private readonly events = new Map<string, WebhookEvent>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the delivery for one attempt if it is due, by moving it to `delivering` with a lease:
   * its `nextAttemptAt` becomes the end of the lease, after which another worker may take it
   * (the one holding it is presumed dead). Only one of several concurrent callers succeeds; it
   * gets what the attempt needs of the delivery, others get null.
   */
  async claim(deliveryId: string, now: Date, leaseUntil: Date): Promise<ClaimedDelivery | null> {
    const update = this.dataSource
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: DeliveryStatus.Delivering, nextAttemptAt: leaseUntil, updatedAt: now })
      .where({ id: deliveryId, status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: LessThanOrEqual(now) });
    // On PostgreSQL the claim also reads the row (one round trip instead of two: the hot path).
    if (this.dataSource.options.type === 'postgres') {
      const result = await update.returning(CLAIMED_COLUMNS as unknown as string[]).execute();
      return (result.raw as ClaimedDelivery[])[0] ?? null;
    }
    const result = await update.execute();
    if (result.affected !== 1) return null;
    return this.dataSource
      .getRepository(WebhookDelivery)
      .findOne({ where: { id: deliveryId }, select: Object.fromEntries(CLAIMED_COLUMNS.map((column) => [column, true])) });
  }

  async extendLease(deliveryId: string, leaseUntil: Date): Promise<void> {
    await this.dataSource
      .getRepository(WebhookDelivery)
      .update({ id: deliveryId, status: DeliveryStatus.Delivering }, { nextAttemptAt: leaseUntil });
  }

  findById(deliveryId: string): Promise<WebhookDelivery | null> {
    return this.dataSource.getRepository(WebhookDelivery).findOneBy({ id: deliveryId });
  }

  async loadContext(delivery: ClaimedDelivery): Promise<DeliveryContext | null> {
    const [event, endpoint] = await Promise.all([
      this.findEvent(delivery.eventId),
      this.dataSource.getRepository(WebhookEndpoint).findOne({ where: { id: delivery.endpointId }, withDeleted: true }),
    ]);
    return event ? { delivery, event, endpoint } : null;
  }

  private async findEvent(eventId: string): Promise<WebhookEvent | null> {
    const cached = this.events.get(eventId);
    if (cached) return cached;
    const event = await this.dataSource.getRepository(WebhookEvent).findOneBy({ id: eventId });
    if (event) {
      if (this.events.size >= EVENT_CACHE_SIZE) this.events.delete(this.events.keys().next().value!);
      this.events.set(eventId, event);
    }
    return event;
  }

  /**
   * Records the attempt, then the delivery's new state. Two statements, not a transaction: a
   * crash between them leaves the delivery claimed, and it is attempted again once the lease
   * passes (at least once), which a transaction would not avoid either.
   */
  async recordAttempt(
    delivery: ClaimedDelivery,
    attempt: AttemptResult & { requestHeaders: Record<string, string> },
    transition: DeliveryTransition,
    now: Date,
  ): Promise<void> {
    const number = delivery.attemptCount + 1;
    const manager = this.dataSource.manager;
    await manager.insert(WebhookAttempt, {
      id: randomUUID(),
      deliveryId: delivery.id,
      number,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      requestHeaders: attempt.requestHeaders,
      responseStatus: attempt.status ?? null,
      responseHeaders: attempt.headers ?? null,
      responseBody: attempt.body ?? null,
      error: attempt.error ?? null,
    });
    await this.applyTransition(manager, delivery.id, transition, now, {
      attemptCount: number,
      lastStatusCode: attempt.status ?? null,
      lastError: attempt.error ?? (attempt.status === undefined || isSuccess(attempt.status) ? null : `HTTP ${attempt.status}`),
    });
  }

  /** Ends a delivery without an attempt (its endpoint or event is gone or disabled). */
  async finishWithoutAttempt(deliveryId: string, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(WebhookDelivery)
      .update({ id: deliveryId }, { status, lastError: reason, nextAttemptAt: null, completedAt: now, updatedAt: now });
  }

  /** Puts a delivery back to wait without spending an attempt. */
  async postpone(deliveryId: string, until: Date, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(WebhookDelivery)
      .update({ id: deliveryId }, { status: DeliveryStatus.Retrying, nextAttemptAt: until, updatedAt: now });
  }

  /**
   * Postpones a delivery behind its endpoint's open circuit, unless the circuit closed in the
   * meantime (returns false then). Together with `releaseWaiting`, which runs after a circuit
   * closes, no delivery stays parked behind a circuit that is already closed.
   */
  async postponeWhileCircuitOpen(deliveryId: string, endpointId: string, until: Date, now: Date): Promise<boolean> {
    const circuitOpen = this.dataSource
      .createQueryBuilder()
      .subQuery()
      .select('1')
      .from(WebhookEndpoint, 'endpoint')
      .where('endpoint.id = :endpointId')
      .andWhere('endpoint.circuitOpenUntil IS NOT NULL')
      .getQuery();
    const result = await this.dataSource
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: DeliveryStatus.Retrying, nextAttemptAt: until, updatedAt: now })
      .where({ id: deliveryId })
      .andWhere(`EXISTS ${circuitOpen}`, { endpointId })
      .execute();
    return result.affected === 1;
  }

  /**
   * Makes the endpoint's waiting deliveries due now (its circuit just closed: the backlog
   * goes out instead of waiting for each one's own retry time). Returns what it released.
   */
  async releaseWaiting(endpointId: string, now: Date, limit = RELEASE_BATCH): Promise<DueDelivery[]> {
    const waiting = await this.dataSource.getRepository(WebhookDelivery).find({
      select: { id: true },
      where: { endpointId, status: DeliveryStatus.Retrying, nextAttemptAt: MoreThan(now) },
      take: limit,
    });
    if (waiting.length === 0) return [];
    const ids = waiting.map((delivery) => delivery.id);
    await this.dataSource.getRepository(WebhookDelivery).update({ id: In(ids), status: DeliveryStatus.Retrying }, { nextAttemptAt: now, updatedAt: now });
    return ids.map((id) => ({ id, runAt: now }));
  }

  private async applyTransition(
    manager: EntityManager,
    deliveryId: string,
    transition: DeliveryTransition,
    now: Date,
    common: Pick<WebhookDelivery, 'attemptCount' | 'lastStatusCode' | 'lastError'>,
  ): Promise<void> {
    const changes: Pick<Partial<WebhookDelivery>, 'status' | 'nextAttemptAt' | 'deliveredAt' | 'completedAt'> =
      transition.status === DeliveryStatus.Succeeded
        ? { status: transition.status, nextAttemptAt: null, deliveredAt: now, completedAt: now }
        : transition.status === DeliveryStatus.Retrying
          ? { status: transition.status, nextAttemptAt: transition.nextAttemptAt }
          : { status: transition.status, nextAttemptAt: null, completedAt: now };
    await manager.update(WebhookDelivery, { id: deliveryId }, { ...common, ...changes, updatedAt: now });
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
