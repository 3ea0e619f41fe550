import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adds an endpoint's own retry rule (`retryOn`) and whether its requests carry the publisher's
 * trace context (`sendTraceContext`), and the trace context stored with each event.
 */
export class WebhooksRetryOnAndTraceContext1764800000000 implements MigrationInterface {
  name = 'WebhooksRetryOnAndTraceContext1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const statement of isMysql(queryRunner) ? MYSQL_UP : PORTABLE_UP(queryRunner)) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const q = isMysql(queryRunner) ? '`' : '"';
    await queryRunner.query(`ALTER TABLE ${q}webhook_events${q} DROP COLUMN ${q}traceContext${q}`);
    await queryRunner.query(`ALTER TABLE ${q}webhook_endpoints${q} DROP COLUMN ${q}sendTraceContext${q}`);
    await queryRunner.query(`ALTER TABLE ${q}webhook_endpoints${q} DROP COLUMN ${q}retryOn${q}`);
  }
}

const MYSQL_UP = [
  'ALTER TABLE `webhook_endpoints` ADD `retryOn` json NULL',
  'ALTER TABLE `webhook_endpoints` ADD `sendTraceContext` tinyint NOT NULL DEFAULT 1',
  'ALTER TABLE `webhook_events` ADD `traceContext` json NULL',
];

function PORTABLE_UP(queryRunner: QueryRunner): string[] {
  const trueValue = queryRunner.connection.driver.options.type === 'postgres' ? 'true' : '(1)';
  return [
    'ALTER TABLE "webhook_endpoints" ADD "retryOn" json',
    `ALTER TABLE "webhook_endpoints" ADD "sendTraceContext" boolean NOT NULL DEFAULT ${trueValue}`,
    'ALTER TABLE "webhook_events" ADD "traceContext" json',
  ];
}

function isMysql(queryRunner: QueryRunner): boolean {
  const type: string = queryRunner.connection.driver.options.type;
  return type === 'mysql' || type === 'mariadb';
}
