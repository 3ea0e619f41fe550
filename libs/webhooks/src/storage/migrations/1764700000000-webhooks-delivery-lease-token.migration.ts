import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Adds `webhook_deliveries.leaseToken`: the fencing token of a delivery's last claim. */
export class WebhooksDeliveryLeaseToken1764700000000 implements MigrationInterface {
  name = 'WebhooksDeliveryLeaseToken1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(isMysql(queryRunner) ? 'ALTER TABLE `webhook_deliveries` ADD `leaseToken` varchar(36) NULL' : 'ALTER TABLE "webhook_deliveries" ADD "leaseToken" varchar(36)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(isMysql(queryRunner) ? 'ALTER TABLE `webhook_deliveries` DROP COLUMN `leaseToken`' : 'ALTER TABLE "webhook_deliveries" DROP COLUMN "leaseToken"');
  }
}

function isMysql(queryRunner: QueryRunner): boolean {
  const type: string = queryRunner.connection.driver.options.type;
  return type === 'mysql' || type === 'mariadb';
}
