// Delivery claims are single conditional UPDATEs. On PostgreSQL their safety depends on the
// isolation level a host can make the default (`ALTER DATABASE … SET default_transaction_isolation`):
// at read committed the loser of two claimers waiting on one row claims nothing; at repeatable
// read and serializable PostgreSQL aborts it, so the library refuses those at start and runs
// on connections that set read committed for themselves.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { createPostgresDatabase, TEST_POSTGRES_URL } from '../../../test/support/services';
import { testWebhookOptions } from '../../../test/support/fixture-app';
import { waitFor } from '../../../test/support/wait-for';
import { DeliveryStatus, WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhookDelivery, WebhookEndpoint, WebhooksModule } from '../src';
import { EndpointStatus } from '../src/storage/entities/endpoint.entity';
import { storesFor } from '../src/storage/storage.providers';
import { assertClaimsCanRun } from '../src/storage/dialect/isolation-level';

type Level = 'read committed' | 'repeatable read' | 'serializable';

/** Startup option of pg connections that makes read committed their default, whatever the database's. */
const READ_COMMITTED_CONNECTIONS = { options: '-c default_transaction_isolation=read\\ committed' };

async function databaseDefaulting(level: Level): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await createPostgresDatabase();
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${new URL(db.url).pathname.slice(1)}" SET default_transaction_isolation = '${level}'`);
  } finally {
    await admin.end();
  }
  return db;
}

async function openDataSource(url: string, extra?: object): Promise<DataSource> {
  const options = { type: 'postgres', url, extra, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false };
  return new DataSource(options as DataSourceOptions).initialize();
}

/** A due delivery (with its endpoint and event) to claim. */
async function dueDelivery(dataSource: DataSource): Promise<string> {
  const t0 = new Date('2026-12-01T10:00:00.000Z');
  const endpointId = randomUUID();
  const eventId = randomUUID();
  await dataSource.getRepository(WebhookEndpoint).insert({
    id: endpointId, tenantId: null, url: `https://example.test/${endpointId}`, description: null, eventTypes: ['*'], secret: 'whsec_' + Buffer.alloc(24, 1).toString('base64'),
    previousSecrets: [], legacySignatureHeader: false, status: EndpointStatus.Active, disabledReason: null, headers: null, rateLimitPerSecond: null, timeoutMs: null,
    retrySchedule: null, consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null, metadata: null, createdAt: t0, updatedAt: t0, deletedAt: null,
  });
  await storesFor(dataSource).events.insert({ id: eventId, type: 'invoice.paid', tenantId: null, data: { n: 1 }, idempotencyKey: null, createdAt: t0 }, []);
  const id = randomUUID();
  await dataSource.getRepository(WebhookDelivery).insert({
    id, eventId, endpointId, tenantId: null, eventType: 'invoice.paid', status: DeliveryStatus.Pending, attemptCount: 0, nextAttemptAt: t0, createdAt: t0, updatedAt: t0,
  });
  return id;
}

/**
 * Two workers claim one delivery while a third transaction holds its row: both wait on the
 * row, then run one after the other against the first one's committed claim, which is the
 * interleaving an isolation level decides the outcome of.
 */
async function claimTwiceAtOnce(dataSource: DataSource, url: string, extra?: object) {
  const id = await dueDelivery(dataSource);
  const stores = storesFor(dataSource);
  const holder = new Client({ connectionString: url, ...extra });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM "webhook_deliveries" WHERE "id" = $1 FOR UPDATE', [id]);
    const now = new Date('2026-12-01T10:00:01.000Z');
    const claims = [1, 2].map(() => stores.deliveries.claim([id], now, { token: randomUUID(), until: new Date('2026-12-01T10:05:00.000Z') }));
    const settled = Promise.allSettled(claims);
    await waitFor(
      async () => {
        // Asked outside the holder's transaction, which sees pg_stat_activity as of its first read.
        const [{ waiting }] = await dataSource.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
        return waiting === 2;
      },
      { what: 'both claimers waiting on the row', timeoutMs: 10_000 },
    );
    await holder.query('COMMIT');
    return await settled;
  } finally {
    await holder.end();
  }
}

describe('PostgreSQL default_transaction_isolation', () => {
  describe('read committed', () => {
    let db: { url: string; drop: () => Promise<void> };
    let dataSource: DataSource;

    beforeAll(async () => {
      db = await databaseDefaulting('read committed');
      dataSource = await openDataSource(db.url);
    });

    afterAll(async () => {
      await dataSource?.destroy();
      await db?.drop();
    });

    it('is accepted at start', async () => {
      await expect(assertClaimsCanRun(dataSource)).resolves.toBeUndefined();
    });

    it('of two claimers of one delivery, one wins and the other gets nothing, without an error', async () => {
      const results = await claimTwiceAtOnce(dataSource, db.url);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      const claimed = results.map((result) => (result as PromiseFulfilledResult<unknown[]>).value.length);
      expect(claimed.sort()).toEqual([0, 1]);
    });
  });

  describe.each<Level>(['repeatable read', 'serializable'])('%s', (level) => {
    let db: { url: string; drop: () => Promise<void> };
    let atLevel: DataSource;
    let readCommitted: DataSource;

    beforeAll(async () => {
      db = await databaseDefaulting(level);
      atLevel = await openDataSource(db.url);
      readCommitted = await openDataSource(db.url, READ_COMMITTED_CONNECTIONS);
    });

    afterAll(async () => {
      await atLevel?.destroy();
      await readCommitted?.destroy();
      await db?.drop();
    });

    it('would abort the loser of two claimers with a serialization failure', async () => {
      const results = await claimTwiceAtOnce(atLevel, db.url);
      expect(results.filter((result) => result.status === 'fulfilled').map((result) => (result as PromiseFulfilledResult<unknown[]>).value.length)).toEqual([1]);
      const [failure] = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(failure.reason).toMatchObject({ driverError: { code: '40001' } });
    });

    it('is refused when WebhooksModule starts, with the level and the way out', async () => {
      let dataSource: DataSource | undefined;
      const starting = Test.createTestingModule({
        imports: [
          TypeOrmModule.forRootAsync({
            useFactory: () => ({ type: 'postgres', url: db.url, entities: WEBHOOK_ENTITIES, logging: false }),
            dataSourceFactory: async (options) => (dataSource = await new DataSource(options!).initialize()),
          }),
          EventEmitterModule.forRoot(),
          WebhooksModule.forRoot(testWebhookOptions({ worker: false }, true)),
        ],
      }).compile();
      try {
        await expect(starting).rejects.toThrow(
          `the DataSource's default_transaction_isolation is '${level}'; the library needs 'read committed'`,
        );
        await expect(starting).rejects.toThrow("extra: { options: '-c default_transaction_isolation=read\\\\ committed' }");
      } finally {
        await dataSource?.destroy();
      }
    });

    it('is fine on connections that set read committed for themselves: one claimer wins, the other gets nothing', async () => {
      await expect(assertClaimsCanRun(readCommitted)).resolves.toBeUndefined();
      const results = await claimTwiceAtOnce(readCommitted, db.url, READ_COMMITTED_CONNECTIONS);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(results.map((result) => (result as PromiseFulfilledResult<unknown[]>).value.length).sort()).toEqual([0, 1]);
    });
  });
});
