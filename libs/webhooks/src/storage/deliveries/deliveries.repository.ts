import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { MicroBatcher } from '../../common/micro-batcher';
import type { DueDelivery } from '../../common/due-delivery';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import type { WebhookEvent } from '../entities/event.entity';
import type { WebhookEndpoint } from '../entities/endpoint.entity';
import { attemptRow, deliveryChanges, held, type AttemptRecord, type AttemptResult, type Claim, type ClaimedDelivery, type ClaimedForAttempt, type DeliveryTransition, type HeldDelivery, type Lease } from './delivery-records';
import { DeliveriesStore, type DuePosition } from './deliveries.store';
import { groupBy, latestOf } from './grouping';
import { HOT_PATH_BATCHING, RECORD_BATCHING, TURN_BATCHING } from './hot-path-batching';

/** Most deliveries released at once when a circuit closes. */
const RELEASE_BATCH = 1_000;
/** Events never change: recently used ones are kept, since one event fans out to many deliveries. */
const EVENT_CACHE_SIZE = 1_000;

interface Postponement {
  delivery: HeldDelivery;
  until: Date;
  now: Date;
  behindCircuitOf: string | null;
}

/**
 * The worker's access to deliveries: claims under a lease it keeps renewing while the attempt
 * runs, fenced writes (each says whether it still held the delivery), and the batching and
 * caching of the hot path. The statements are the `DeliveriesStore`'s.
 */
@Injectable()
export class DeliveriesRepository implements OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  /** Recently read events, and reads in flight (the deliveries of one event ask together). */
  private readonly events = new Map<string, Promise<WebhookEvent | null>>();
  private readonly eventReads = new MicroBatcher((ids: string[]) => this.store.findEvents(ids), HOT_PATH_BATCHING);
  private readonly endpointReads = new MicroBatcher((ids: string[]) => this.store.findEndpoints(ids), HOT_PATH_BATCHING);
  private readonly claims = new MicroBatcher((requests: Array<{ id: string; now: Date }>) => this.claimBatch(requests), HOT_PATH_BATCHING);
  private readonly attempts = new MicroBatcher((records: AttemptRecord[]) => this.recordBatch(records), RECORD_BATCHING);
  private readonly postponements = new MicroBatcher((requests: Postponement[]) => this.postponeBatch(requests), TURN_BATCHING);
  /** The leases this process holds, renewed every third of `leaseMs` until written off. */
  private readonly leases = new Map<string, HeldDelivery>();
  private renewal?: NodeJS.Timeout;

  constructor(
    private readonly store: DeliveriesStore,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  onModuleDestroy(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }

  /**
   * Takes the delivery for one attempt if it is due: `delivering`, under a lease of this
   * process that it renews while it holds it (past `leaseMs` without renewal, another worker
   * may take it: this one is presumed dead). Of several concurrent callers one wins; it gets
   * what the attempt needs of the delivery and its endpoint (read afresh), others get null.
   */
  claim(deliveryId: string, now: Date): Promise<Claim | null> {
    return this.claims.submit({ id: deliveryId, now });
  }

  /** A lease for a delivery stored already claimed (`hold` it once stored). */
  newLease(now: Date): Lease {
    return { token: randomUUID(), until: new Date(now.getTime() + this.options.leaseMs) };
  }

  /** Keeps renewing the lease of a delivery this process holds. */
  hold(delivery: HeldDelivery): void {
    this.leases.set(delivery.id, { id: delivery.id, leaseToken: delivery.leaseToken });
    this.renewal ??= setInterval(() => void this.renewLeases(), Math.max(100, Math.floor(this.options.leaseMs / 3))).unref();
  }

  /** Gives up every lease this process holds: those deliveries are due again at `now`, for another worker. */
  async releaseAll(now: Date): Promise<void> {
    const held = [...this.leases.values()];
    this.leases.clear();
    if (held.length > 0) await this.store.renewLeases(held, now);
  }

  /** Stops renewing: the delivery was written off (or given up). */
  release(delivery: HeldDelivery): void {
    if (this.leases.get(delivery.id)?.leaseToken === delivery.leaseToken) this.leases.delete(delivery.id);
  }

  /** Records the attempt and the delivery's new state; false when the lease was lost (nothing written). */
  recordAttempt(delivery: ClaimedDelivery, attempt: AttemptResult & { requestHeaders: Record<string, string> }, transition: DeliveryTransition, now: Date): Promise<boolean> {
    return this.written(delivery, this.attempts.submit({ attemptId: randomUUID(), delivery, attempt, transition, now }));
  }

  /** Puts a delivery back to wait without spending an attempt; false when the lease was lost. */
  postpone(delivery: HeldDelivery, until: Date, now: Date): Promise<boolean> {
    return this.written(delivery, this.postponements.submit({ delivery, until, now, behindCircuitOf: null }));
  }

  /**
   * Postpones a delivery behind its endpoint's open circuit, unless the circuit closed in the
   * meantime (or the lease was lost): false then, and the delivery is still held.
   */
  postponeWhileCircuitOpen(delivery: HeldDelivery, endpointId: string, until: Date, now: Date): Promise<boolean> {
    return this.postponements.submit({ delivery, until, now, behindCircuitOf: endpointId }).then((postponed) => {
      if (postponed) this.release(delivery);
      return postponed;
    });
  }

  /** Ends a delivery without an attempt (its endpoint or event is gone or disabled); false when the lease was lost. */
  finishWithoutAttempt(delivery: HeldDelivery, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<boolean> {
    return this.written(delivery, this.store.finishWithoutAttempt(delivery, status, reason, now));
  }

  /** Makes the endpoint's waiting deliveries due now (its circuit just closed); returns them. */
  releaseWaiting(endpointId: string, now: Date): Promise<DueDelivery[]> {
    return this.store.releaseWaiting(endpointId, now, RELEASE_BATCH);
  }

  findById(deliveryId: string): Promise<WebhookDelivery | null> {
    return this.store.findById(deliveryId);
  }

  /** An endpoint as it is now (concurrent reads share a statement). */
  findEndpoint(endpointId: string): Promise<WebhookEndpoint | null> {
    return this.endpointReads.submit(endpointId);
  }

  /** The event of a delivery; events never change, so recently used ones are kept. */
  findEvent(eventId: string): Promise<WebhookEvent | null> {
    const cached = this.events.get(eventId);
    if (cached) return cached;
    const read = this.eventReads.submit(eventId);
    this.cacheEvent(eventId, read);
    // A missing event or a failed read is not kept: the next attempt reads again.
    read.then((event) => event ?? this.events.delete(eventId), () => this.events.delete(eventId));
    return read;
  }

  private cacheEvent(eventId: string, read: Promise<WebhookEvent | null>): void {
    if (this.events.size >= EVENT_CACHE_SIZE) this.events.delete(this.events.keys().next().value!);
    this.events.set(eventId, read);
  }

  dueAfter(after: DuePosition | null, dueBefore: Date, limit: number): Promise<DuePosition[]> {
    return this.store.dueAfter(after, dueBefore, limit);
  }

  dueNow(now: Date, except: readonly string[], limit: number): Promise<string[]> {
    return this.store.dueNow(now, except, limit);
  }

  /** Claims up to `limit` deliveries due now (but those of `except`) for attempts, as `claim` does one. */
  async claimDue(now: Date, except: readonly string[], limit: number): Promise<Claim[]> {
    return this.taken(await this.store.claimDue(now, except, limit, this.newLease(now)));
  }

  /** Holds what a claim took and keeps the events it read. */
  private taken(claims: readonly ClaimedForAttempt[]): Claim[] {
    return claims.map(({ delivery, endpoint, event }) => {
      if (event && !this.events.has(event.id)) this.cacheEvent(event.id, Promise.resolve(event));
      this.hold(delivery);
      return { delivery, endpoint };
    });
  }

  /** A write of a held delivery has ended: it is no longer held (either way). */
  private async written(delivery: HeldDelivery, write: Promise<boolean>): Promise<boolean> {
    try {
      return await write;
    } finally {
      this.release(delivery);
    }
  }

  /**
   * Claims a batch (one statement on PostgreSQL) under one lease: requests of one batch were
   * made within milliseconds of each other. Should the endpoint read fail after the claim, the
   * batch's retry finds the deliveries claimed: they wait for their lease to pass, then go out
   * (late, never lost).
   */
  private async claimBatch(requests: Array<{ id: string; now: Date }>): Promise<Array<Claim | null>> {
    const now = latestOf(requests).now;
    const claimed = new Map(this.taken(await this.store.claimForAttempt(requests.map((request) => request.id), now, this.newLease(now))).map((claim) => [claim.delivery.id, claim]));
    // The same delivery asked for twice in a batch (a job and its reconciled twin): one wins.
    return requests.map((request) => {
      const claim = claimed.get(request.id);
      if (!claim) return null;
      claimed.delete(request.id);
      return claim;
    });
  }

  /**
   * The batch's attempts and the deliveries' new states: one statement for all that change
   * alike (typically every success of the batch). Alike but for the time: a batch finished
   * within milliseconds, so a group takes the changes of its latest record (its time included).
   */
  private async recordBatch(records: AttemptRecord[]): Promise<boolean[]> {
    const changed = records.map((record) => ({ record, now: record.now, changes: deliveryChanges(record) }));
    const groups = groupBy(changed, ({ changes }) => {
      const { deliveredAt: _delivered, completedAt: _completed, updatedAt: _updated, ...rest } = changes;
      return JSON.stringify(rest);
    });
    const lost = new Set<string>();
    for (const group of groups.values()) {
      const attempts = group.map(({ record }) => record);
      const stale = await this.store.recordAttempts({ held: attempts.map((record) => held(record.delivery)), attempts: attempts.map(attemptRow), changes: latestOf(group).changes });
      for (const id of stale) lost.add(id);
    }
    return records.map((record) => !lost.has(record.delivery.id));
  }

  /** Deliveries held by one circuit, one busy endpoint or one rate-limit window share their `until`: one statement a group. */
  private async postponeBatch(requests: Postponement[]): Promise<boolean[]> {
    const groups = groupBy(requests, (request) => `${request.until.getTime()} ${request.behindCircuitOf ?? ''}`);
    const notPostponed = new Set<string>();
    for (const group of groups.values()) {
      const { until, now, behindCircuitOf } = latestOf(group);
      for (const id of await this.store.postpone({ held: group.map((request) => request.delivery), until, now, behindCircuitOf })) notPostponed.add(id);
    }
    return requests.map((request) => !notPostponed.has(request.delivery.id));
  }

  private async renewLeases(): Promise<void> {
    const held = [...this.leases.values()];
    if (held.length === 0) return;
    try {
      const lost = await this.store.renewLeases(held, new Date(Date.now() + this.options.leaseMs));
      for (const id of lost) this.leases.delete(id);
    } catch (error) {
      this.logger.warn(`could not renew ${held.length} delivery leases: ${(error as Error).message}`);
    }
  }
}
