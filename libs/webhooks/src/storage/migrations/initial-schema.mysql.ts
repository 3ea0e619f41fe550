// MySQL / MariaDB SQL of WebhooksInitialSchema1763900000000, as TypeORM generates it for WEBHOOK_ENTITIES.
// Names are unqualified: the tables go to the connection's database.

/**
 * The SQL type of the entities' `uuid` columns. TypeORM maps `uuid` to `varchar(255)` on MySQL,
 * but to MariaDB's native `uuid` type when the DataSource type is 'mariadb' and the server is
 * 10.7 or later, so the migration asks the driver (see the migration class).
 */
export type MysqlUuidType = 'uuid' | 'varchar(255)';

const createTable = (name: string, definitions: string[]): string =>
  `CREATE TABLE \`${name}\` (${definitions.join(', ')}) ENGINE=InnoDB`;

export function mysqlUp(uuid: MysqlUuidType): string[] {
  return [
    createTable('webhook_endpoints', [
      `\`id\` ${uuid} NOT NULL`,
      "`tenantId` varchar(255) NULL",
      "`url` varchar(2048) NOT NULL",
      "`description` varchar(1024) NULL",
      "`eventTypes` json NOT NULL",
      "`secret` varchar(512) NOT NULL",
      "`previousSecrets` json NOT NULL",
      "`legacySignatureHeader` tinyint NOT NULL DEFAULT 0",
      "`status` enum ('active', 'disabled', 'paused') NOT NULL DEFAULT 'active'",
      "`disabledReason` varchar(255) NULL",
      "`headers` json NULL",
      "`rateLimitPerSecond` int NULL",
      "`timeoutMs` int NULL",
      "`retrySchedule` json NULL",
      "`consecutiveFailures` int NOT NULL DEFAULT '0'",
      "`failingSince` datetime(3) NULL",
      "`circuitOpenUntil` datetime(3) NULL",
      "`metadata` json NULL",
      "`createdAt` datetime(3) NOT NULL",
      "`updatedAt` datetime(3) NOT NULL",
      "`deletedAt` datetime(3) NULL",
      "INDEX `IDX_webhook_endpoints_tenant_status` (`tenantId`, `status`)",
      "PRIMARY KEY (`id`)",
    ]),
    createTable('webhook_events', [
      `\`id\` ${uuid} NOT NULL`,
      "`type` varchar(255) NOT NULL",
      "`tenantId` varchar(255) NULL",
      "`data` json NOT NULL",
      "`idempotencyKey` varchar(255) NULL",
      "`createdAt` datetime(3) NOT NULL",
      "INDEX `IDX_webhook_events_tenant_created` (`tenantId`, `createdAt`)",
      "UNIQUE INDEX `UQ_webhook_events_idempotency` (`tenantId`, `idempotencyKey`)",
      "PRIMARY KEY (`id`)",
    ]),
    createTable('webhook_deliveries', [
      `\`id\` ${uuid} NOT NULL`,
      `\`eventId\` ${uuid} NOT NULL`,
      `\`endpointId\` ${uuid} NOT NULL`,
      "`tenantId` varchar(255) NULL",
      "`eventType` varchar(255) NOT NULL",
      "`status` enum ('pending', 'delivering', 'succeeded', 'retrying', 'failed', 'cancelled') NOT NULL DEFAULT 'pending'",
      "`attemptCount` int NOT NULL DEFAULT '0'",
      "`nextAttemptAt` datetime(3) NULL",
      "`lastStatusCode` int NULL",
      "`lastError` varchar(1024) NULL",
      "`deliveredAt` datetime(3) NULL",
      "`completedAt` datetime(3) NULL",
      "`createdAt` datetime(3) NOT NULL",
      "`updatedAt` datetime(3) NOT NULL",
      "INDEX `IDX_webhook_deliveries_event` (`eventId`)",
      "INDEX `IDX_webhook_deliveries_tenant_created` (`tenantId`, `createdAt`)",
      "INDEX `IDX_webhook_deliveries_endpoint_created` (`endpointId`, `createdAt`)",
      "INDEX `IDX_webhook_deliveries_due` (`status`, `nextAttemptAt`)",
      "INDEX `IDX_webhook_deliveries_completed` (`status`, `completedAt`)",
      "PRIMARY KEY (`id`)",
    ]),
    createTable('webhook_attempts', [
      `\`id\` ${uuid} NOT NULL`,
      `\`deliveryId\` ${uuid} NOT NULL`,
      "`number` int NOT NULL",
      "`startedAt` datetime(3) NOT NULL",
      "`durationMs` int NOT NULL",
      "`requestHeaders` json NOT NULL",
      "`responseStatus` int NULL",
      "`responseHeaders` json NULL",
      "`responseBody` text NULL",
      "`error` varchar(1024) NULL",
      "INDEX `IDX_webhook_attempts_delivery` (`deliveryId`, `number`)",
      "PRIMARY KEY (`id`)",
    ]),
    "ALTER TABLE `webhook_deliveries` ADD CONSTRAINT `FK_981677c4e790567f3306581e0b7` FOREIGN KEY (`eventId`) REFERENCES `webhook_events`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    "ALTER TABLE `webhook_deliveries` ADD CONSTRAINT `FK_9f63fc91ff6cbd3f8238b9a7812` FOREIGN KEY (`endpointId`) REFERENCES `webhook_endpoints`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
    "ALTER TABLE `webhook_attempts` ADD CONSTRAINT `FK_62224942858bc1f0d1bc7fe74e1` FOREIGN KEY (`deliveryId`) REFERENCES `webhook_deliveries`(`id`) ON DELETE CASCADE ON UPDATE NO ACTION",
  ];
}

export const MYSQL_DOWN: readonly string[] = [
  'ALTER TABLE `webhook_attempts` DROP FOREIGN KEY `FK_62224942858bc1f0d1bc7fe74e1`',
  'ALTER TABLE `webhook_deliveries` DROP FOREIGN KEY `FK_9f63fc91ff6cbd3f8238b9a7812`',
  'ALTER TABLE `webhook_deliveries` DROP FOREIGN KEY `FK_981677c4e790567f3306581e0b7`',
  'DROP INDEX `IDX_webhook_attempts_delivery` ON `webhook_attempts`',
  'DROP TABLE `webhook_attempts`',
  'DROP INDEX `IDX_webhook_deliveries_completed` ON `webhook_deliveries`',
  'DROP INDEX `IDX_webhook_deliveries_due` ON `webhook_deliveries`',
  'DROP INDEX `IDX_webhook_deliveries_endpoint_created` ON `webhook_deliveries`',
  'DROP INDEX `IDX_webhook_deliveries_tenant_created` ON `webhook_deliveries`',
  'DROP INDEX `IDX_webhook_deliveries_event` ON `webhook_deliveries`',
  'DROP TABLE `webhook_deliveries`',
  'DROP INDEX `UQ_webhook_events_idempotency` ON `webhook_events`',
  'DROP INDEX `IDX_webhook_events_tenant_created` ON `webhook_events`',
  'DROP TABLE `webhook_events`',
  'DROP INDEX `IDX_webhook_endpoints_tenant_status` ON `webhook_endpoints`',
  'DROP TABLE `webhook_endpoints`',
];
