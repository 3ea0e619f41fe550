// SQLite SQL (better-sqlite3, sqlite, sqljs) of WebhooksInitialSchema1763900000000, as TypeORM generates
// it for WEBHOOK_ENTITIES, with the foreign keys written inline (SQLite cannot add them later).
// NOTE: keep each CREATE TABLE on one line, byte for byte as TypeORM writes it: TypeORM reads the
// foreign key, enum and check definitions back by parsing this SQL from sqlite_master.

export const SQLITE_UP: readonly string[] = [
  `CREATE TABLE "webhook_endpoints" ("id" varchar PRIMARY KEY NOT NULL, "tenantId" varchar(255), "url" varchar(2048) NOT NULL, "description" varchar(1024), "eventTypes" json NOT NULL, "secret" varchar(512) NOT NULL, "previousSecrets" json NOT NULL, "legacySignatureHeader" boolean NOT NULL DEFAULT (0), "status" varchar CHECK( "status" IN ('active','disabled','paused') ) NOT NULL DEFAULT ('active'), "disabledReason" varchar(255), "headers" json, "rateLimitPerSecond" integer, "timeoutMs" integer, "retrySchedule" json, "consecutiveFailures" integer NOT NULL DEFAULT (0), "failingSince" datetime(3), "circuitOpenUntil" datetime(3), "metadata" json, "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, "deletedAt" datetime(3))`,
  `CREATE INDEX "IDX_webhook_endpoints_tenant_status" ON "webhook_endpoints" ("tenantId", "status") `,

  `CREATE TABLE "webhook_events" ("id" varchar PRIMARY KEY NOT NULL, "type" varchar(255) NOT NULL, "tenantId" varchar(255), "data" json NOT NULL, "idempotencyKey" varchar(255), "createdAt" datetime(3) NOT NULL)`,
  `CREATE INDEX "IDX_webhook_events_tenant_created" ON "webhook_events" ("tenantId", "createdAt") `,
  `CREATE UNIQUE INDEX "UQ_webhook_events_idempotency" ON "webhook_events" ("tenantId", "idempotencyKey") `,

  `CREATE TABLE "webhook_deliveries" ("id" varchar PRIMARY KEY NOT NULL, "eventId" varchar NOT NULL, "endpointId" varchar NOT NULL, "tenantId" varchar(255), "eventType" varchar(255) NOT NULL, "status" varchar CHECK( "status" IN ('pending','delivering','succeeded','retrying','failed','cancelled') ) NOT NULL DEFAULT ('pending'), "attemptCount" integer NOT NULL DEFAULT (0), "nextAttemptAt" datetime(3), "lastStatusCode" integer, "lastError" varchar(1024), "deliveredAt" datetime(3), "completedAt" datetime(3), "createdAt" datetime(3) NOT NULL, "updatedAt" datetime(3) NOT NULL, CONSTRAINT "FK_981677c4e790567f3306581e0b7" FOREIGN KEY ("eventId") REFERENCES "webhook_events" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_9f63fc91ff6cbd3f8238b9a7812" FOREIGN KEY ("endpointId") REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "IDX_webhook_deliveries_event" ON "webhook_deliveries" ("eventId") `,
  `CREATE INDEX "IDX_webhook_deliveries_tenant_created" ON "webhook_deliveries" ("tenantId", "createdAt") `,
  `CREATE INDEX "IDX_webhook_deliveries_endpoint_created" ON "webhook_deliveries" ("endpointId", "createdAt") `,
  `CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("status", "nextAttemptAt") `,
  `CREATE INDEX "IDX_webhook_deliveries_completed" ON "webhook_deliveries" ("status", "completedAt") `,

  `CREATE TABLE "webhook_attempts" ("id" varchar PRIMARY KEY NOT NULL, "deliveryId" varchar NOT NULL, "number" integer NOT NULL, "startedAt" datetime(3) NOT NULL, "durationMs" integer NOT NULL, "requestHeaders" json NOT NULL, "responseStatus" integer, "responseHeaders" json, "responseBody" text, "error" varchar(1024), CONSTRAINT "FK_62224942858bc1f0d1bc7fe74e1" FOREIGN KEY ("deliveryId") REFERENCES "webhook_deliveries" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "IDX_webhook_attempts_delivery" ON "webhook_attempts" ("deliveryId", "number") `,
];

export const SQLITE_DOWN: readonly string[] = [
  `DROP INDEX "IDX_webhook_attempts_delivery"`,
  `DROP TABLE "webhook_attempts"`,
  `DROP INDEX "IDX_webhook_deliveries_completed"`,
  `DROP INDEX "IDX_webhook_deliveries_due"`,
  `DROP INDEX "IDX_webhook_deliveries_endpoint_created"`,
  `DROP INDEX "IDX_webhook_deliveries_tenant_created"`,
  `DROP INDEX "IDX_webhook_deliveries_event"`,
  `DROP TABLE "webhook_deliveries"`,
  `DROP INDEX "UQ_webhook_events_idempotency"`,
  `DROP INDEX "IDX_webhook_events_tenant_created"`,
  `DROP TABLE "webhook_events"`,
  `DROP INDEX "IDX_webhook_endpoints_tenant_status"`,
  `DROP TABLE "webhook_endpoints"`,
];
