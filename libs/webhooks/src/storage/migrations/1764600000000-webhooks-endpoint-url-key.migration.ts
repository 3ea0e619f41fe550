import type { MigrationInterface, QueryRunner } from 'typeorm';
import { endpointUrlKey } from '../entities/endpoint-url-key';

/**
 * Adds `webhook_endpoints.urlKey` (a hash of the tenant and the URL, null once deleted) with a
 * unique index: two live endpoints of one tenant can no longer share a URL, even when created
 * at the same moment (two processes registering their endpoint at start).
 */
export class WebhooksEndpointUrlKey1764600000000 implements MigrationInterface {
  name = 'WebhooksEndpointUrlKey1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type: string = queryRunner.connection.driver.options.type;
    const mysql = type === 'mysql' || type === 'mariadb';
    await queryRunner.query(mysql ? 'ALTER TABLE `webhook_endpoints` ADD `urlKey` varchar(64) NULL' : 'ALTER TABLE "webhook_endpoints" ADD "urlKey" varchar(64)');
    const quote = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`);
    const rows: Array<{ id: string; tenantId: string | null; url: string }> = await queryRunner.query(
      `SELECT ${quote('id')}, ${quote('tenantId')}, ${quote('url')} FROM ${quote('webhook_endpoints')} WHERE ${quote('deletedAt')} IS NULL ORDER BY ${quote('createdAt')}`,
    );
    const seen = new Set<string>();
    for (const row of rows) {
      const key = endpointUrlKey(row.tenantId, row.url);
      if (seen.has(key)) continue; // a duplicate made before the index: the oldest keeps the key
      seen.add(key);
      await queryRunner.query(`UPDATE ${quote('webhook_endpoints')} SET ${quote('urlKey')} = ${mysql ? '?' : '$1'} WHERE ${quote('id')} = ${mysql ? '?' : '$2'}`, [key, row.id]);
    }
    await queryRunner.query(
      mysql
        ? 'CREATE UNIQUE INDEX `UQ_webhook_endpoints_url_key` ON `webhook_endpoints` (`urlKey`)'
        : 'CREATE UNIQUE INDEX "UQ_webhook_endpoints_url_key" ON "webhook_endpoints" ("urlKey") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const type: string = queryRunner.connection.driver.options.type;
    if (type === 'mysql' || type === 'mariadb') {
      await queryRunner.query('DROP INDEX `UQ_webhook_endpoints_url_key` ON `webhook_endpoints`');
      await queryRunner.query('ALTER TABLE `webhook_endpoints` DROP COLUMN `urlKey`');
    } else {
      await queryRunner.query('DROP INDEX "UQ_webhook_endpoints_url_key"');
      await queryRunner.query('ALTER TABLE "webhook_endpoints" DROP COLUMN "urlKey"');
    }
  }
}
