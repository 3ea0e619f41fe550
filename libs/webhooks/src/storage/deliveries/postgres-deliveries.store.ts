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

/**
 * A batch's values as one parameter of a statement: an array, or for a batch of one its only
 * value in an `ARRAY[…]` of one. PostgreSQL plans a prepared statement once for all its runs
 * only while that plan costs no more than the plans made for each run's own parameters, and it
 * prices an array parameter at 10 elements: a statement run with arrays of one (each statement
 * under a light load) was planned again at every run, 0.2 ms of PostgreSQL's CPU each time. An
 * `ARRAY[…]` of one is priced as one, and its plan is made once.
 */
class BatchParameters {
  readonly values: unknown[] = [];

  constructor(private readonly size: number) {}

  /** A placeholder for `values` (as many as the batch), typed `type` each. */
  column(values: readonly unknown[], type: string): string {
    this.values.push(this.size === 1 ? values[0] : values);
    const placeholder = `$${this.values.length}::${type}`;
    return this.size === 1 ? `ARRAY[${placeholder}]` : `${placeholder}[]`;
  }

  /** A placeholder for one value. */
  value(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The held deliveries of a batch and their tokens, as pairs a statement joins to. */
function heldRows(parameters: BatchParameters, held: readonly HeldDelivery[]): string {
  const ids = parameters.column(held.map((delivery) => delivery.id), 'uuid');
  const tokens = parameters.column(held.map((delivery) => delivery.leaseToken), 'varchar');
  return `unnest(${ids}, ${tokens}) AS held (id, token)`;
}

const RETURNED = CLAIMED_COLUMNS.map((column) => `"${column}"`).join(', ');
const ATTEMPTABLE = ATTEMPTABLE_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * The claim of the deliveries of `ids` that are due. It reads them by primary key only: the
 * status is compared as text so that no plan reads the due index instead. Planned on the
 * statistics of a table that was small, a claim read that index (every due delivery of the
 * table) and filtered the ids out of it: 11,000 rows read to claim 20, 3.7 ms a claim in the
 * throughput benchmark.
 */
function claimOf(parameters: BatchParameters, ids: readonly string[], now: Date, lease: Lease): string {
  const claim = claimAssignments(parameters, now, lease);
  return `UPDATE "webhook_deliveries" SET ${claim.set}
    WHERE "id" = ANY(${parameters.column(ids, 'uuid')}) AND "status"::text IN (${ATTEMPTABLE}) AND "nextAttemptAt" <= ${claim.now}
    RETURNING ${RETURNED}`;
}

/**
 * The claim of the oldest due deliveries, but those of `except`, at most `limit`; rows another
 * claimer has locked are skipped. The statuses are written out, so that the plan of the
 * prepared statement can use the partial due index.
 */
function claimDueOf(parameters: BatchParameters, except: readonly string[], now: Date, lease: Lease, limit: number): string {
  const claim = claimAssignments(parameters, now, lease);
  return `UPDATE "webhook_deliveries" SET ${claim.set}
    WHERE "id" IN (
      SELECT "id" FROM "webhook_deliveries"
      WHERE "status" IN (${ATTEMPTABLE}) AND "nextAttemptAt" <= ${claim.now} AND NOT ("id" = ANY(${parameters.column(except, 'uuid')}))
      ORDER BY "nextAttemptAt" LIMIT ${parameters.value(limit)} FOR UPDATE SKIP LOCKED)
    RETURNING ${RETURNED}`;
}

/** What a claim writes, and the placeholder of `now`. */
function claimAssignments(parameters: BatchParameters, now: Date, lease: Lease): { set: string; now: string } {
  const at = parameters.value(now);
  const set = `"status" = ${parameters.value(DeliveryStatus.Delivering)}, "nextAttemptAt" = ${parameters.value(lease.until)}, "updatedAt" = ${at}, "leaseToken" = ${parameters.value(lease.token)}`;
  return { set, now: at };
}

export class PostgresDeliveriesStore extends PortableDeliveriesStore {
  private endpointRows?: EntityRows<WebhookEndpoint>;
  private eventRows?: EntityRows<WebhookEvent>;
  private readonly prepared = new PreparedStatements(this.dataSource);

  /** One statement claims the due ones of the batch and returns what their attempts need. */
  override async claim(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedDelivery[]> {
    const unique = [...new Set(ids)];
    const parameters = new BatchParameters(unique.length);
    const rows = await this.prepared.rows<Omit<ClaimedDelivery, 'leaseToken'>>(claimOf(parameters, unique, now, lease), parameters.values);
    return rows.map((row) => ({ ...row, leaseToken: lease.token }));
  }

  /**
   * The claim, the claimed deliveries' endpoints and their events in one round trip: the claim
   * in a CTE, joined on the first delivery of each endpoint to the endpoint and on the first of
   * each event to the event: a claim of 40 deliveries to 10 endpoints reads and hydrates 10
   * endpoint rows (their secrets decrypted), not 40.
   */
  override claimForAttempt(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedForAttempt[]> {
    const unique = [...new Set(ids)];
    const parameters = new BatchParameters(unique.length);
    return this.claimWithContext(claimOf(parameters, unique, now, lease), parameters.values, lease);
  }

  /** Embedded dispatch: what is due, claimed with what the attempts need in one statement; concurrent pollers take distinct rows. */
  override claimDue(now: Date, except: readonly string[], limit: number, lease: Lease): Promise<ClaimedForAttempt[]> {
    const unique = [...new Set(except)];
    const parameters = new BatchParameters(unique.length);
    return this.claimWithContext(claimDueOf(parameters, unique, now, lease, limit), parameters.values, lease);
  }

  private async claimWithContext(claim: string, parameters: unknown[], lease: Lease): Promise<ClaimedForAttempt[]> {
    const endpoints = this.endpointColumns();
    const events = (this.eventRows ??= new EntityRows(this.dataSource, WebhookEvent, 'event_'));
    const rows = await this.prepared.rows<Record<string, unknown> & { nth: string; endpoint_nth: string }>(
      `WITH claimed AS (${claim}),
       numbered AS (
         SELECT claimed.*, row_number() OVER (PARTITION BY "eventId") AS nth, row_number() OVER (PARTITION BY "endpointId") AS endpoint_nth FROM claimed)
       SELECT c.*, ${endpoints.selectList('e')}, ${events.selectList('ev')}
       FROM numbered c
       LEFT JOIN "webhook_endpoints" e ON e."id" = c."endpointId" AND c.endpoint_nth = 1
       LEFT JOIN "webhook_events" ev ON ev."id" = c."eventId" AND c.nth = 1`,
      parameters,
    );
    // The first delivery of each endpoint carries it (null: the endpoint row is gone).
    const endpointOf = new Map<unknown, WebhookEndpoint | null>();
    for (const row of rows) if (Number(row.endpoint_nth) === 1) endpointOf.set(row.endpointId, endpoints.hydrate(row));
    return rows.map((row) => {
      const delivery = Object.fromEntries(CLAIMED_COLUMNS.map((column) => [column, row[column]])) as Omit<ClaimedDelivery, 'leaseToken'>;
      return { delivery: { ...delivery, leaseToken: lease.token }, endpoint: endpointOf.get(row.endpointId) ?? null, ...(Number(row.nth) === 1 ? { event: events.hydrate(row) } : {}) };
    });
  }

  /**
   * Endpoints by id, deleted ones included, in the order asked: the worker's re-reads of the
   * endpoints of attempts that waited, one per attempt in a fan-out, hydrated as the claim's.
   */
  override async findEndpoints(ids: readonly string[]): Promise<Array<WebhookEndpoint | null>> {
    if (ids.length === 0) return [];
    const endpoints = this.endpointColumns();
    const unique = [...new Set(ids)];
    const parameters = new BatchParameters(unique.length);
    const rows = await this.prepared.rows<Record<string, unknown>>(
      `SELECT ${endpoints.selectList('e')} FROM "webhook_endpoints" e WHERE e."id" = ANY(${parameters.column(unique, 'uuid')})`,
      parameters.values,
    );
    return inOrderOf(ids, rows.map((row) => endpoints.hydrate(row)!));
  }

  private endpointColumns(): EntityRows<WebhookEndpoint> {
    return (this.endpointRows ??= new EntityRows(this.dataSource, WebhookEndpoint, 'endpoint_'));
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
    const parameters = new BatchParameters(held.length);
    const mine = `SELECT d."id" FROM "webhook_deliveries" AS d JOIN ${heldRows(parameters, held)} ON d."id" = held.id AND d."leaseToken" = held.token
       WHERE d."status"::text = 'delivering'`;
    const still = await this.prepared.rows<{ id: string }>(
      `WITH mine AS (${mine}),
       renewed AS (UPDATE "webhook_deliveries" SET "nextAttemptAt" = ${parameters.value(until)} WHERE "id" IN (${mine} FOR UPDATE OF d SKIP LOCKED))
       SELECT "id" FROM mine`,
      parameters.values,
    );
    return lost(held, still);
  }

  /**
   * The group's new state on the deliveries still held, and their attempts, in one statement:
   * the update in a CTE says which deliveries it changed, the attempt insert takes only theirs.
   */
  override async recordAttempts({ held, attempts, changes }: AttemptGroup): Promise<string[]> {
    if (held.length === 0) return [];
    const parameters = new BatchParameters(held.length);
    const join = heldRows(parameters, held);
    const column = <K extends keyof AttemptRow>(key: K, type: string, value: (attempt: AttemptRow) => unknown = (attempt) => attempt[key]) =>
      parameters.column(attempts.map(value), type);
    const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
    const rows = [
      column('id', 'uuid'),
      column('deliveryId', 'uuid'),
      column('number', 'int'),
      column('startedAt', 'timestamp(3)'),
      column('durationMs', 'int'),
      column('requestHeaders', 'json', (attempt) => json(attempt.requestHeaders)),
      column('responseStatus', 'int'),
      column('responseHeaders', 'json', (attempt) => json(attempt.responseHeaders)),
      column('responseBody', 'text'),
      column('error', 'varchar'),
    ];
    const assignments = Object.entries(changes)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `"${name}" = ${parameters.value(value)}`);
    const recorded = await this.prepared.rows<{ id: string }>(
      `WITH fenced AS (
         UPDATE "webhook_deliveries" AS d SET ${assignments.join(', ')} FROM ${join}
         WHERE d."id" = held.id AND d."leaseToken" = held.token
         RETURNING d."id"
       ), attempt AS (
         INSERT INTO "webhook_attempts"
           ("id", "deliveryId", "number", "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", "error")
         SELECT * FROM unnest(${rows.join(', ')})
           AS row (id, "deliveryId", number, "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", error)
         WHERE row."deliveryId" IN (SELECT id FROM fenced)
         ON CONFLICT ("id") DO NOTHING
       )
       SELECT id FROM fenced`,
      parameters.values,
    );
    return lost(held, recorded);
  }

  override async postpone({ held, until, now, behindCircuitOf }: PostponeGroup): Promise<string[]> {
    if (held.length === 0) return [];
    const parameters = new BatchParameters(held.length);
    const join = heldRows(parameters, held);
    const set = `"status" = 'retrying', "nextAttemptAt" = ${parameters.value(until)}, "updatedAt" = ${parameters.value(now)}`;
    const circuit = behindCircuitOf === null ? '' : `AND EXISTS (SELECT 1 FROM "webhook_endpoints" WHERE "id" = ${parameters.value(behindCircuitOf)} AND "circuitOpenUntil" IS NOT NULL)`;
    const postponed = await this.prepared.rows<{ id: string }>(
      `UPDATE "webhook_deliveries" AS d SET ${set} FROM ${join}
       WHERE d."id" = held.id AND d."leaseToken" = held.token ${circuit}
       RETURNING d."id"`,
      parameters.values,
    );
    return lost(held, postponed);
  }
}

/** The held deliveries a statement did not return. */
function lost(held: readonly HeldDelivery[], returned: ReadonlyArray<{ id: string }>): string[] {
  const changed = new Set(returned.map((row) => row.id));
  return held.filter((delivery) => !changed.has(delivery.id)).map((delivery) => delivery.id);
}
