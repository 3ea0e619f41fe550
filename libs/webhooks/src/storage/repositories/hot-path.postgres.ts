import type { DataSource } from 'typeorm';
import type { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, type WebhookDelivery } from '../entities/delivery.entity';

/*
 * The hot path's statements on PostgreSQL, written by hand: TypeORM's query building and
 * result mapping was the largest share of the worker's time. Other databases use TypeORM.
 */

export function isPostgres(dataSource: DataSource): boolean {
  return dataSource.options.type === 'postgres';
}

type AttemptRow = Pick<
  WebhookAttempt,
  'id' | 'deliveryId' | 'number' | 'startedAt' | 'durationMs' | 'requestHeaders' | 'responseStatus' | 'responseHeaders' | 'responseBody' | 'error'
>;

/** The columns of a delivery that an attempt changes. */
export type DeliveryChanges = Pick<
  Partial<WebhookDelivery>,
  'status' | 'nextAttemptAt' | 'deliveredAt' | 'completedAt' | 'attemptCount' | 'lastStatusCode' | 'lastError' | 'updatedAt'
>;

/**
 * Claims the due ones of `ids` in one statement (see `DeliveriesRepository.claim`); returns
 * the claimed rows with `columns`.
 */
export async function claimDue<Row>(dataSource: DataSource, ids: string[], now: Date, leaseUntil: Date, columns: readonly string[], attemptable: DeliveryStatus[]): Promise<Row[]> {
  // A structured result: for an UPDATE, TypeORM's plain one is [rows, count].
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(
      `UPDATE "webhook_deliveries" SET "status" = $2, "nextAttemptAt" = $3, "updatedAt" = $4
       WHERE "id" = ANY($1::uuid[]) AND "status" = ANY($5::"webhook_deliveries_status_enum"[]) AND "nextAttemptAt" <= $4
       RETURNING ${columns.map((column) => `"${column}"`).join(', ')}`,
      [ids, DeliveryStatus.Delivering, leaseUntil, now, attemptable],
      true,
    );
    return result.records as Row[];
  } finally {
    await runner.release();
  }
}

/**
 * PostgreSQL: inserts the attempts (skipping ids already there) and applies one change to a
 * set of deliveries, in one statement (the attempt insert in a CTE, rows from arrays). The hot
 * path's last write, so one round trip instead of two.
 */
export async function insertAttemptsAndUpdate(dataSource: DataSource, attempts: AttemptRow[], update: { ids: string[]; changes: DeliveryChanges }): Promise<void> {
  const column = <K extends keyof AttemptRow>(key: K) => attempts.map((attempt) => attempt[key]);
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  const parameters: unknown[] = [
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
    update.ids,
  ];
  const assignments = Object.entries(update.changes)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      parameters.push(value);
      return `"${name}" = $${parameters.length}`;
    });
  await dataSource.query(
    `WITH attempt AS (
       INSERT INTO "webhook_attempts"
         ("id", "deliveryId", "number", "startedAt", "durationMs", "requestHeaders", "responseStatus", "responseHeaders", "responseBody", "error")
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamp(3)[], $5::int[], $6::json[], $7::int[], $8::json[], $9::text[], $10::varchar[])
       ON CONFLICT ("id") DO NOTHING
     )
     UPDATE "webhook_deliveries" SET ${assignments.join(', ')} WHERE "id" = ANY($11::uuid[])`,
    parameters,
  );
}
