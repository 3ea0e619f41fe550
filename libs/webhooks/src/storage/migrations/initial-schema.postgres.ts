// PostgreSQL SQL of WebhooksInitialSchema1763900000000, as TypeORM generates it for WEBHOOK_ENTITIES.
// Names are unqualified on purpose: the tables and enum types go to the connection's current schema
// (first schema of its search_path), never to a hard-coded one.

export const POSTGRES_UP: readonly string[] = [
  `CREATE TYPE "webhook_endpoints_status_enum" AS ENUM('active', 'disabled', 'paused')`,
  `CREATE TABLE "webhook_endpoints" (
    "id" uuid NOT NULL,
    "tenantId" character varying(255),
    "url" character varying(2048) NOT NULL,
    "description" character varying(1024),
    "eventTypes" json NOT NULL,
    "secret" character varying(512) NOT NULL,
    "previousSecrets" json NOT NULL,
    "legacySignatureHeader" boolean NOT NULL DEFAULT false,
    "status" "webhook_endpoints_status_enum" NOT NULL DEFAULT 'active',
    "disabledReason" character varying(255),
    "headers" json,
    "rateLimitPerSecond" integer,
    "timeoutMs" integer,
    "retrySchedule" json,
    "consecutiveFailures" integer NOT NULL DEFAULT '0',
    "failingSince" TIMESTAMP(3),
    "circuitOpenUntil" TIMESTAMP(3),
    "metadata" json,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3),
    CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id")
  )`,
  `CREATE INDEX "IDX_webhook_endpoints_tenant_status" ON "webhook_endpoints" ("tenantId", "status")`,

  `CREATE TABLE "webhook_events" (
    "id" uuid NOT NULL,
    "type" character varying(255) NOT NULL,
    "tenantId" character varying(255),
    "data" json NOT NULL,
    "idempotencyKey" character varying(255),
    "createdAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "PK_4cba37e6a0acb5e1fc49c34ebfd" PRIMARY KEY ("id")
  )`,
  `CREATE INDEX "IDX_webhook_events_tenant_created" ON "webhook_events" ("tenantId", "createdAt")`,
  `CREATE UNIQUE INDEX "UQ_webhook_events_idempotency" ON "webhook_events" ("tenantId", "idempotencyKey")`,

  `CREATE TYPE "webhook_deliveries_status_enum" AS ENUM('pending', 'delivering', 'succeeded', 'retrying', 'failed', 'cancelled')`,
  `CREATE TABLE "webhook_deliveries" (
    "id" uuid NOT NULL,
    "eventId" uuid NOT NULL,
    "endpointId" uuid NOT NULL,
    "tenantId" character varying(255),
    "eventType" character varying(255) NOT NULL,
    "status" "webhook_deliveries_status_enum" NOT NULL DEFAULT 'pending',
    "attemptCount" integer NOT NULL DEFAULT '0',
    "nextAttemptAt" TIMESTAMP(3),
    "lastStatusCode" integer,
    "lastError" character varying(1024),
    "deliveredAt" TIMESTAMP(3),
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
  )`,
  `CREATE INDEX "IDX_webhook_deliveries_event" ON "webhook_deliveries" ("eventId")`,
  `CREATE INDEX "IDX_webhook_deliveries_tenant_created" ON "webhook_deliveries" ("tenantId", "createdAt")`,
  `CREATE INDEX "IDX_webhook_deliveries_endpoint_created" ON "webhook_deliveries" ("endpointId", "createdAt")`,
  `CREATE INDEX "IDX_webhook_deliveries_due" ON "webhook_deliveries" ("status", "nextAttemptAt")`,
  `CREATE INDEX "IDX_webhook_deliveries_completed" ON "webhook_deliveries" ("status", "completedAt")`,

  `CREATE TABLE "webhook_attempts" (
    "id" uuid NOT NULL,
    "deliveryId" uuid NOT NULL,
    "number" integer NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" integer NOT NULL,
    "requestHeaders" json NOT NULL,
    "responseStatus" integer,
    "responseHeaders" json,
    "responseBody" text,
    "error" character varying(1024),
    CONSTRAINT "PK_2de7e7887ad97de459adab62638" PRIMARY KEY ("id")
  )`,
  `CREATE INDEX "IDX_webhook_attempts_delivery" ON "webhook_attempts" ("deliveryId", "number")`,

  `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_981677c4e790567f3306581e0b7" FOREIGN KEY ("eventId") REFERENCES "webhook_events"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_9f63fc91ff6cbd3f8238b9a7812" FOREIGN KEY ("endpointId") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "webhook_attempts" ADD CONSTRAINT "FK_62224942858bc1f0d1bc7fe74e1" FOREIGN KEY ("deliveryId") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];

export const POSTGRES_DOWN: readonly string[] = [
  `ALTER TABLE "webhook_attempts" DROP CONSTRAINT "FK_62224942858bc1f0d1bc7fe74e1"`,
  `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_9f63fc91ff6cbd3f8238b9a7812"`,
  `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_981677c4e790567f3306581e0b7"`,
  `DROP INDEX "IDX_webhook_attempts_delivery"`,
  `DROP TABLE "webhook_attempts"`,
  `DROP INDEX "IDX_webhook_deliveries_completed"`,
  `DROP INDEX "IDX_webhook_deliveries_due"`,
  `DROP INDEX "IDX_webhook_deliveries_endpoint_created"`,
  `DROP INDEX "IDX_webhook_deliveries_tenant_created"`,
  `DROP INDEX "IDX_webhook_deliveries_event"`,
  `DROP TABLE "webhook_deliveries"`,
  `DROP TYPE "webhook_deliveries_status_enum"`,
  `DROP INDEX "UQ_webhook_events_idempotency"`,
  `DROP INDEX "IDX_webhook_events_tenant_created"`,
  `DROP TABLE "webhook_events"`,
  `DROP INDEX "IDX_webhook_endpoints_tenant_status"`,
  `DROP TABLE "webhook_endpoints"`,
  `DROP TYPE "webhook_endpoints_status_enum"`,
];
