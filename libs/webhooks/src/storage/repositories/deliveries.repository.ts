import { Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { randomUUID } from 'node:crypto';
import { DataSource, In, LessThanOrEqual, MoreThan, type FindOptionsWhere } from 'typeorm';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import type { AttemptResult } from '../../delivery/retry/attempt-outcome';
import type { DueDelivery } from '../../dispatch/delivery-dispatcher';
import { MicroBatcher } from '../../common/micro-batcher';
import { claimDue, insertAttemptsAndUpdate, isPostgres, type DeliveryChanges } from './hot-path.postgres';

/** Most deliveries released at once when a circuit closes. */
const RELEASE_BATCH = 1_000;
/** Events never change: recently used ones are kept, since one event fans out to many deliveries. */
const EVENT_CACHE_SIZE = 1_000;
/**
 * Claims, reads, attempt records and postponements of concurrent attempts share statements: at
 * most 100 deliveries a statement, one statement of a kind at a time (what comes meanwhile
 * waits for the next, so batches grow with the load).
 */
const HOT_PATH_BATCHING = { maxBatch: 100, maxInFlight: 1 };

/** What an attempt needs of its delivery. */
export const CLAIMED_COLUMNS = ['id', 'eventId', 'endpointId', 'tenantId', 'eventType', 'attemptCount'] as const;
export type ClaimedDelivery = Pick<WebhookDelivery, (typeof CLAIMED_COLUMNS)[number]>;

/** Statuses from which a delivery may be attempted. */
export const ATTEMPTABLE_STATUSES = [DeliveryStatus.Pending, DeliveryStatus.Retrying, DeliveryStatus.Delivering];

/** A claimed delivery and its endpoint (null when the endpoint row is gone). */
export interface Claim {
  delivery: ClaimedDelivery;
  endpoint: WebhookEndpoint | null;
}

/** What an attempt changes on its delivery. */
export type DeliveryTransition =
  | { status: DeliveryStatus.Succeeded }
  | { status: DeliveryStatus.Retrying; nextAttemptAt: Date }
  | { status: DeliveryStatus.Failed };

interface ClaimRequest {
  deliveryId: string;
  now: Date;
  leaseUntil: Date;
}

interface Postponement {
  deliveryId: string;
  until: Date;
  now: Date;
  /** Only while this endpoint's circuit is open. */
  behindCircuitOf: string | null;
}

interface AttemptRecord {
  attemptId: string;
  delivery: ClaimedDelivery;
  attempt: AttemptResult & { requestHeaders: Record<string, string> };
  transition: DeliveryTransition;
  now: Date;
}

/** Reads and moves deliveries; every state change of a delivery goes through here. */
@Injectable()
export class DeliveriesRepository {
  /** Recently read events, and reads in flight (the deliveries of one event ask together). */
  private readonly events = new Map<string, Promise<WebhookEvent | null>>();
  private readonly eventReads = new MicroBatcher((ids: string[]) => this.findByIds(WebhookEvent, ids), HOT_PATH_BATCHING);
  private readonly claims = new MicroBatcher((requests: ClaimRequest[]) => this.claimBatch(requests), HOT_PATH_BATCHING);
  private readonly attempts = new MicroBatcher((records: AttemptRecord[]) => this.recordBatch(records), HOT_PATH_BATCHING);
  private readonly postponements = new MicroBatcher((requests: Postponement[]) => this.postponeBatch(requests), HOT_PATH_BATCHING);

  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  /**
   * Takes the delivery for one attempt if it is due, by moving it to `delivering` with a lease:
   * its `nextAttemptAt` becomes the end of the lease, after which another worker may take it
   * (the one holding it is presumed dead). Only one of several concurrent callers succeeds; it
   * gets what the attempt needs of the delivery and its endpoint (read afresh: its state
   * changes), others get null.
   */
  claim(deliveryId: string, now: Date, leaseUntil: Date): Promise<Claim | null> {
    return this.claims.submit({ deliveryId, now, leaseUntil });
  }

  /**
   * Claims a batch in one statement on PostgreSQL (the hot path). The batch uses its latest
   * `now` and lease: requests of one batch were made within milliseconds of each other.
   * Should the endpoint read fail after the claim, the batch's retry finds the deliveries
   * claimed: they wait for their lease to pass, then go out (late, never lost).
   */
  private async claimBatch(requests: ClaimRequest[]): Promise<Array<Claim | null>> {
    const claimed = await this.claimDeliveries(requests);
    const endpointIds = claimed.flatMap((delivery) => (delivery ? [delivery.endpointId] : []));
    const endpoints = await this.findByIds(WebhookEndpoint, endpointIds);
    return claimed.map((delivery) => delivery && { delivery, endpoint: endpoints[endpointIds.indexOf(delivery.endpointId)] });
  }

  private async claimDeliveries(requests: ClaimRequest[]): Promise<Array<ClaimedDelivery | null>> {
    if (!isPostgres(this.dataSource)) {
      const claimed: Array<ClaimedDelivery | null> = [];
      for (const request of requests) claimed.push(await this.claimOne(request));
      return claimed;
    }
    const latest = (times: Date[]) => new Date(Math.max(...times.map((time) => time.getTime())));
    const now = latest(requests.map((request) => request.now));
    const ids = requests.map((request) => request.deliveryId);
    const leaseUntil = latest(requests.map((request) => request.leaseUntil));
    const rows = await claimDue<ClaimedDelivery>(this.dataSource, ids, now, leaseUntil, CLAIMED_COLUMNS, ATTEMPTABLE_STATUSES);
    const claimed = new Map(rows.map((row) => [row.id, row]));
    // The same delivery asked for twice in a batch (a job and its reconciled twin): one wins.
    return requests.map((request) => {
      const row = claimed.get(request.deliveryId) ?? null;
      claimed.delete(request.deliveryId);
      return row;
    });
  }

  /** Elsewhere (no UPDATE … RETURNING), the claim and the read are two statements a delivery. */
  private async claimOne({ deliveryId, now, leaseUntil }: ClaimRequest): Promise<ClaimedDelivery | null> {
    const result = await this.dataSource
      .getRepository(WebhookDelivery)
      .update(
        { id: deliveryId, status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: LessThanOrEqual(now) },
        { status: DeliveryStatus.Delivering, nextAttemptAt: leaseUntil, updatedAt: now },
      );
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

  /** The event of a delivery; events never change, so recently used ones are kept. */
  findEvent(eventId: string): Promise<WebhookEvent | null> {
    const cached = this.events.get(eventId);
    if (cached) return cached;
    const read = this.eventReads.submit(eventId);
    if (this.events.size >= EVENT_CACHE_SIZE) this.events.delete(this.events.keys().next().value!);
    this.events.set(eventId, read);
    // A missing event or a failed read is not kept: the next attempt reads again.
    read.then((event) => event ?? this.events.delete(eventId), () => this.events.delete(eventId));
    return read;
  }

  /** Rows by id, in the order asked (null for a missing one), deleted ones included. */
  private async findByIds<Row extends { id: string }>(entity: new () => Row, ids: string[]): Promise<Array<Row | null>> {
    if (ids.length === 0) return [];
    const found = await this.dataSource.getRepository(entity).find({ where: { id: In([...new Set(ids)]) } as FindOptionsWhere<Row>, withDeleted: true });
    const byId = new Map(found.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** Records the attempt and the delivery's new state (with the attempts of concurrent deliveries). */
  recordAttempt(
    delivery: ClaimedDelivery,
    attempt: AttemptResult & { requestHeaders: Record<string, string> },
    transition: DeliveryTransition,
    now: Date,
  ): Promise<void> {
    return this.attempts.submit({ attemptId: randomUUID(), delivery, attempt, transition, now });
  }

  /**
   * The batch's attempts in one insert, then the deliveries' new states: one update for all
   * that change alike (typically every success of the batch).
   */
  private async recordBatch(records: AttemptRecord[]): Promise<void[]> {
    // Alike but for the time: a batch finished within milliseconds, so a group takes the
    // changes of its latest record (its time included).
    const alike = [...groupBy(records, (record) => {
      const { deliveredAt: _delivered, completedAt: _completed, updatedAt: _updated, ...rest } = deliveryChanges(record);
      return JSON.stringify(rest);
    }).values()].map((group) => ({
      ids: group.map((record) => record.delivery.id),
      changes: deliveryChanges(latestOf(group)),
    }));
    // No transaction (two round trips fewer): a crash between the statements leaves the
    // delivery claimed and it is attempted again once the lease passes (at least once,
    // which a transaction would not change), and a batch retried item by item after a
    // failure inserts no attempt twice (the ids are fixed, the insert skips known ones).
    const [first, ...others] = alike;
    if (isPostgres(this.dataSource)) {
      await insertAttemptsAndUpdate(this.dataSource, records.map(attemptRow), first);
    } else {
      await this.dataSource.createQueryBuilder().insert().into(WebhookAttempt).values(records.map(attemptRow)).orIgnore().execute();
      others.unshift(first);
    }
    for (const { ids, changes } of others) await this.dataSource.getRepository(WebhookDelivery).update({ id: In(ids) }, changes);
    return records.map(() => undefined);
  }

  /** Ends a delivery without an attempt (its endpoint or event is gone or disabled). */
  async finishWithoutAttempt(deliveryId: string, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<void> {
    await this.dataSource
      .getRepository(WebhookDelivery)
      .update({ id: deliveryId }, { status, lastError: reason, nextAttemptAt: null, completedAt: now, updatedAt: now });
  }

  /** Puts a delivery back to wait without spending an attempt. */
  async postpone(deliveryId: string, until: Date, now: Date): Promise<void> {
    await this.postponements.submit({ deliveryId, until, now, behindCircuitOf: null });
  }

  /**
   * Postpones a delivery behind its endpoint's open circuit, unless the circuit closed in the
   * meantime (returns false then). Together with `releaseWaiting`, which runs after a circuit
   * closes, no delivery stays parked behind a circuit that is already closed.
   */
  postponeWhileCircuitOpen(deliveryId: string, endpointId: string, until: Date, now: Date): Promise<boolean> {
    return this.postponements.submit({ deliveryId, until, now, behindCircuitOf: endpointId });
  }

  /**
   * Deliveries held by one circuit, one busy endpoint or one rate-limit window share their
   * `until`: one update for each such group. Answers whether each delivery was postponed.
   */
  private async postponeBatch(requests: Postponement[]): Promise<boolean[]> {
    const groups = groupBy(requests, (request) => `${request.until.getTime()} ${request.behindCircuitOf ?? ''}`);
    const postponed = new Map<Postponement, boolean>();
    for (const group of groups.values()) {
      const { until, now, behindCircuitOf } = latestOf(group);
      const update = this.dataSource
        .createQueryBuilder()
        .update(WebhookDelivery)
        .set({ status: DeliveryStatus.Retrying, nextAttemptAt: until, updatedAt: now })
        .where({ id: In(group.map((request) => request.deliveryId)) });
      if (behindCircuitOf !== null) update.andWhere(`EXISTS ${this.circuitOpenQuery()}`, { endpointId: behindCircuitOf });
      const result = await update.execute();
      // The circuit condition is the same for the whole group: all are parked, or none.
      for (const request of group) postponed.set(request, behindCircuitOf === null || (result.affected ?? 0) > 0);
    }
    return requests.map((request) => postponed.get(request)!);
  }

  private circuitOpenQuery(): string {
    return this.dataSource
      .createQueryBuilder()
      .subQuery()
      .select('1')
      .from(WebhookEndpoint, 'endpoint')
      .where('endpoint.id = :endpointId')
      .andWhere('endpoint.circuitOpenUntil IS NOT NULL')
      .getQuery();
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
}

/** Items by key, in their order. */
function groupBy<Item>(items: Item[], keyOf: (item: Item) => string): Map<string, Item[]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/** The item of a group made last (requests of one batch differ by milliseconds). */
function latestOf<Item extends { now: Date }>(group: Item[]): Item {
  return group.reduce((latest, item) => (item.now > latest.now ? item : latest));
}

function attemptRow({ attemptId, delivery, attempt }: AttemptRecord) {
  return {
    id: attemptId,
    deliveryId: delivery.id,
    number: delivery.attemptCount + 1,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    requestHeaders: attempt.requestHeaders,
    responseStatus: attempt.status ?? null,
    responseHeaders: attempt.headers ?? null,
    responseBody: attempt.body ?? null,
    error: attempt.error ?? null,
  };
}

/** What an attempt changes on its delivery. */
function deliveryChanges({ delivery, attempt, transition, now }: AttemptRecord): DeliveryChanges {
  const common = {
    attemptCount: delivery.attemptCount + 1,
    lastStatusCode: attempt.status ?? null,
    lastError: attempt.error ?? (attempt.status === undefined || isSuccess(attempt.status) ? null : `HTTP ${attempt.status}`),
    updatedAt: now,
  };
  if (transition.status === DeliveryStatus.Succeeded) {
    return { ...common, status: transition.status, nextAttemptAt: null, deliveredAt: now, completedAt: now };
  }
  if (transition.status === DeliveryStatus.Retrying) return { ...common, status: transition.status, nextAttemptAt: transition.nextAttemptAt };
  return { ...common, status: transition.status, nextAttemptAt: null, completedAt: now };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
