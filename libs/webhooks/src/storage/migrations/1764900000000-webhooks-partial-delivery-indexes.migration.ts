import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The statuses a delivery waits in: the rows the due index holds. */
export const WAITING_INDEX_WHERE = `"status" IN ('pending', 'retrying', 'delivering')`;
/** Finished deliveries: the rows the completion index holds. */
export const COMPLETED_INDEX_WHERE = `"completedAt" IS NOT NULL`;

/**
 * The due index (`status, nextAttemptAt`) holds only the deliveries that wait, and the
 * completion index (`status, completedAt`) only the finished ones: a delivery's insert and
 * claim no longer write into the completion index, nor its last attempt into the due index.
 * Every read they served names their rows (due statuses, a `completedAt` bound). PostgreSQL
 * only: MySQL and MariaDB have no partial indexes, and SQLite uses one only for a statement
 * whose WHERE proves the index's own, which a bound parameter never does (`status IN (?, ?, ?)`
 * scanned the whole table and sorted it, at every poll of the embedded dispatcher).
 */
export class WebhooksPartialDeliveryIndexes1764900000000 implements MigrationInterface {
  name = 'WebhooksPartialDeliveryIndexes1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!isPostgres(queryRunner)) return;
    await recreate(queryRunner, 'IDX_webhook_deliveries_due', '"status", "nextAttemptAt"', WAITING_INDEX_WHERE);
    await recreate(queryRunner, 'IDX_webhook_deliveries_completed', '"status", "completedAt"', COMPLETED_INDEX_WHERE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (!isPostgres(queryRunner)) return;
    await recreate(queryRunner, 'IDX_webhook_deliveries_due', '"status", "nextAttemptAt"');
    await recreate(queryRunner, 'IDX_webhook_deliveries_completed', '"status", "completedAt"');
  }
}

async function recreate(queryRunner: QueryRunner, name: string, columns: string, where?: string): Promise<void> {
  await queryRunner.query(`DROP INDEX "${name}"`);
  await queryRunner.query(`CREATE INDEX "${name}" ON "webhook_deliveries" (${columns})${where ? ` WHERE ${where}` : ''}`);
}

function isPostgres(queryRunner: QueryRunner): boolean {
  return queryRunner.connection.driver.options.type === 'postgres';
}
