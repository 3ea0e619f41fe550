import { DeliveryStatus } from '../entities/delivery.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import { ATTEMPTABLE_STATUSES, CLAIMED_COLUMNS, type AttemptGroup, type AttemptRow, type ClaimedDelivery, type ClaimedForAttempt, type HeldDelivery, type Lease, type PostponeGroup } from './delivery-records';
import { EntityRows } from './entity-rows';
import { inOrderOf } from './grouping';
import { PortableDeliveriesStore } from './portable-deliveries.store';
import { PreparedStatements } from './prepared-statements';

/*
 * PostgreSQL: the hot path's statements written by hand (TypeORM's query building and result
 * mapping was the largest share of the worker's time), each one round trip for a whole batch;
 * the other statements are the portable ones.
 */

/** The deliveries of a batch and their tokens, as two arrays a statement unnests into pairs. */
const HELD = `unnest($1::uuid[], $2::varchar[]) AS held (id, token)`;
const heldParameters = (held: readonly HeldDelivery[]) => [held.map((delivery) => delivery.id), held.map((delivery) => delivery.leaseToken)];

/**
 * The claim of the deliveries of $1 that are due. It reads them by primary key only: the status
 * is compared as text so that no plan reads the due index instead. Planned on the statistics of
 * a table that was small, a claim read that index (every due delivery of the table) and filtered
 * the ids out of it: 11,000 rows read to claim 20, 3.7 ms a claim in the throughput benchmark.
 */
const CLAIM = `UPDATE "webhook_deliveries" SET "status" = $2, "nextAttemptAt" = $3, "updatedAt" = $4, "leaseToken" = $6
  WHERE "id" = ANY($1::uuid[]) AND "status"::text = ANY($5::text[]) AND "nextAttemptAt" <= $4
  RETURNING ${CLAIMED_COLUMNS.map((column) => `"${column}"`).join(', ')}`;

/**
 * The claim of the oldest due deliveries, but those of $1, at most $7; rows another claimer has
 * locked are skipped. The statuses are written out (not the parameter $5), so that the plan of
 * the prepared statement can use the partial due index.
 */
const CLAIM_DUE = `UPDATE "webhook_deliveries" SET "status" = $2, "nextAttemptAt" = $3, "updatedAt" = $4, "leaseToken" = $6
  WHERE "id" IN (
    SELECT "id" FROM "webhook_deliveries"
    WHERE "status" IN (${ATTEMPTABLE_STATUSES.map((status) => `'${status}'`).join(', ')}) AND "status" = ANY($5::"webhook_deliveries_status_enum"[])
      AND "nextAttemptAt" <= $4 AND NOT ("id" = ANY($1::uuid[]))
    ORDER BY "nextAttemptAt" LIMIT $7 FOR UPDATE SKIP LOCKED)
  RETURNING ${CLAIMED_COLUMNS.map((column) => `"${column}"`).join(', ')}`;

export class PostgresDeliveriesStore extends PortableDeliveriesStore {
  private endpointRows?: EntityRows<WebhookEndpoint>;
  private eventRows?: EntityRows<WebhookEvent>;
  private readonly prepared = new PreparedStatements(this.dataSource);

  /** One statement claims the due ones of the batch and returns what their attempts need. */
  override async claim(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedDelivery[]> {
    const rows = await this.updateReturning<Omit<ClaimedDelivery, 'leaseToken'>>(CLAIM, this.claimParameters(ids, now, lease));
    return rows.map((row) => ({ ...row, leaseToken: lease.token }));
  }

  /**
   * The claim, the claimed deliveries' endpoints and their events in one round trip: the claim
   * in a CTE, joined to its endpoints and, on the first delivery of each event, to the event.
   */
  override claimForAttempt(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedForAttempt[]> {
    return this.claimWithContext(CLAIM, this.claimParameters(ids, now, lease), lease);
  }

  /** Embedded dispatch: what is due, claimed with what the attempts need in one statement; concurrent pollers take distinct rows. */
  override claimDue(now: Date, except: readonly string[], limit: number, lease: Lease): Promise<ClaimedForAttempt[]> {
    return this.claimWithContext(CLAIM_DUE, [...this.claimParameters(except, now, lease), limit], lease);
  }

  private async claimWithContext(claim: string, parameters: unknown[], lease: Lease): Promise<ClaimedForAttempt[]> {
    const endpoints = this.endpointColumns();
    const events = (this.eventRows ??= new EntityRows(this.dataSource, WebhookEvent, 'event_'));
    const rows = await this.prepared.rows<Record<string, unknown> & { nth: string }>(
      `WITH claimed AS (${claim}),
       numbered AS (SELECT claimed.*, row_number() OVER (PARTITION BY "eventId") AS nth FROM claimed)
       SELECT c.*, ${endpoints.selectList('e')}, ${events.selectList('ev')}
       FROM numbered c
       LEFT JOIN "webhook_endpoints" e ON e."id" = c."endpointId"
       LEFT JOIN "webhook_events" ev ON ev."id" = c."eventId" AND c.nth = 1`,
      parameters,
    );
    return rows.map((row) => {
      const delivery = Object.fromEntries(CLAIMED_COLUMNS.map((column) => [column, row[column]])) as Omit<ClaimedDelivery, 'leaseToken'>;
      return { delivery: { ...delivery, leaseToken: lease.token }, endpoint: endpoints.hydrate(row), ...(Number(row.nth) === 1 ? { event: events.hydrate(row) } : {}) };
    });
  }

  /**
   * Endpoints by id, deleted ones included, in the order asked: the worker's re-reads of the
   * endpoints of attempts that waited, one per attempt in a fan-out, hydrated as the claim's.
   */
  override async findEndpoints(ids: readonly string[]): Promise<Array<WebhookEndpoint | null>> {
    if (ids.length === 0) return [];
    const endpoints = this.endpointColumns();
    const rows = await this.prepared.rows<Record<string, unknown>>(`SELECT ${endpoints.selectList('e')} FROM "webhook_endpoints" e WHERE e."id" = ANY($1::uuid[])`, [[...new Set(ids)]]);
    return inOrderOf(ids, rows.map((row) => endpoints.hydrate(row)!));
  }

  private endpointColumns(): EntityRows<WebhookEndpoint> {
    return (this.endpointRows ??= new EntityRows(this.dataSource, WebhookEndpoint, 'endpoint_'));
  }

  private claimParameters(ids: readonly string[], now: Date, lease: Lease): unknown[] {
    return [[...new Set(ids)], DeliveryStatus.Delivering, lease.until, now, ATTEMPTABLE_STATUSES, lease.token];
  }

  /**
   * Renews the leases still held, without waiting for a row lock: a delivery another statement
   * has locked is being recorded, postponed or cancelled right now, so it is renewed at the next
   * round if it is still held then, and not reported lost. (Renewals that waited for those locks,
   * taken in no fixed order, deadlocked with the statements recording a group of attempts.) The
   * status is compared as text so that no plan reads the due index, whose `delivering` entries
   * include every claim since the last vacuum.
   */
  override async renewLeases(held: readonly HeldDelivery[], until: Date): Promise<string[]> {
    if (held.length === 0) return [];
    const mine = `SELECT d."id" FROM "webhook_deliveries" AS d JOIN ${HELD} ON d."id" = held.id AND d."leaseToken" = held.token
       WHERE d."status"::text = 'delivering'`;
    const still = await this.updateReturning<{ id: string }>(
      `WITH mine AS (${mine}),
       renewed AS (UPDATE "webhook_deliveries" SET "nextAttemptAt" = $3 WHERE "id" IN (${mine} FOR UPDATE OF d SKIP LOCKED))
       SELECT "id" FROM mine`,
      [...heldParameters(held), until],
    );
    return lost(held, still);
  }

  /**
   * The group's new state on the deliveries still held, and their attempts, in one statement:
   * the update in a CTE says which deliveries it changed, the attempt insert takes only theirs.
   */
  override async recordAttempts({ held, attempts, changes }: AttemptGroup): Promise<string[]> {
    if (held.length === 0) return [];
    const column = <K extends keyof AttemptRow>(key: K) => attempts.map((attempt) => attempt[key]);
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
    const parameters: unknown[] = [
      ...heldParameters(held),
      column('id'),
      column('deliveryId'),
      column('number'),
      column('startedAt'),
      column('durationMs'),
      attempts.map((attempt) => json(attempt.requestHeaders)),
      column('responseStatus'),
      attempts.map((attempt) => json(attempt.responseHeaders)),
      column('responseBody'),
      column('error'),
    ];
    const assignments = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => {
        parameters.push(value);
        return `"${name}" = $${parameters.length}`;
      });
    const recorded = await this.prepared.rows<{ id: string }>(
      `WITH fenced AS (
         UPDATE "webhook_deliveries" AS d SET ${assignments.join(', ')} FROM ${HELD}
         WHERE d."id" = held.id AND d."leaseToken" = held.token
         RETURNING d."id"
       ), attempt AS (
         INSERT INTO "webhook_attempts"
           ("id", "deliveryId", "number", "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", "error")
         SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::int[], $6::timestamp(3)[], $7::int[], $8::json[], $9::int[], $10::json[], $11::text[], $12::varchar[])
           AS row (id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", error)
         WHERE row."deliveryId" IN (SELECT id FROM fenced)
         ON CONFLICT ("id") DO NOTHING
       )
       SELECT id FROM fenced`,
      parameters,
    );
    return lost(held, recorded);
  }

  override async postpone({ held, until, now, behindCircuitOf }: PostponeGroup): Promise<string[]> {
    if (held.length === 0) return [];
    const circuit = behindCircuitOf === null ? '' : `AND EXISTS (SELECT 1 FROM "webhook_endpoints" WHERE "id" = $5 AND "circuitOpenUntil" IS NOT NULL)`;
    const postponed = await this.updateReturning<{ id: string }>(
      `UPDATE "webhook_deliveries" AS d SET "status" = 'retrying', "nextAttemptAt" = $3, "updatedAt" = $4 FROM ${HELD}
       WHERE d."id" = held.id AND d."leaseToken" = held.token ${circuit}
       RETURNING d."id"`,
      [...heldParameters(held), until, now, ...(behindCircuitOf === null ? [] : [behindCircuitOf])],
    );
    return lost(held, postponed);
  }

  /** The rows an UPDATE … RETURNING returned. */
  private updateReturning<Row>(sql: string, parameters: unknown[]): Promise<Row[]> {
    return this.prepared.rows<Row>(sql, parameters);
  }
}

/** The held deliveries a statement did not return. */
function lost(held: readonly HeldDelivery[], returned: ReadonlyArray<{ id: string }>): string[] {
  const changed = new Set(returned.map((row) => row.id));
  return held.filter((delivery) => !changed.has(delivery.id)).map((delivery) => delivery.id);
}
