// The store contract: the same tests for every store method on PostgreSQL, MariaDB and SQLite,
// concurrency and fencing included. The stores are the library's internals, so this suite lives
// with the library.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { BACKEND_ROWS, type TestBackend } from '../../../test/support/backends';
import { DeliveryStatus, WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../src';
import { EndpointStatus } from '../src/storage/entities/endpoint.entity';
import { storesFor, type WebhooksStores } from '../src/storage/storage.providers';
import type { AttemptRow, ClaimedDelivery, Lease } from '../src/storage/deliveries/delivery-records';

const SECOND = 1_000;

describe.each(BACKEND_ROWS)('stores on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let dataSource: DataSource;
  let stores: WebhooksStores;
  let endpointId: string;
  let eventId: string;
  const t0 = new Date('2026-12-01T10:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const lease = (untilMs: number): Lease => ({ token: randomUUID(), until: at(untilMs) });

  const delivery = async (changes: Partial<WebhookDelivery> = {}): Promise<string> => {
    const id = randomUUID();
    await dataSource.getRepository(WebhookDelivery).insert({
      id, eventId, endpointId, tenantId: null, eventType: 'invoice.paid', status: DeliveryStatus.Pending, attemptCount: 0, nextAttemptAt: t0, createdAt: t0, updatedAt: t0, ...changes,
    });
    return id;
  };
  const row = (id: string) => dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id });
  const attemptOf = (claimed: ClaimedDelivery): AttemptRow => ({
    id: randomUUID(), deliveryId: claimed.id, number: claimed.attemptCount + 1, startedAt: at(SECOND), durationMs: 12,
    requestHeaders: { 'webhook-id': 'x' }, responseStatus: 200, responseHeaders: null, responseBody: 'ok', error: null,
  });
  const succeeded = { status: DeliveryStatus.Succeeded, attemptCount: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: at(SECOND), completedAt: at(SECOND), updatedAt: at(SECOND) };

  beforeAll(async () => {
    backend = await backendFactory.create();
    dataSource = new DataSource({ ...(backend.database as DataSourceOptions), entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false } as DataSourceOptions);
    await dataSource.initialize();
    stores = storesFor(dataSource);
    endpointId = randomUUID();
    await dataSource.getRepository(WebhookEndpoint).insert({
      id: endpointId, tenantId: null, url: 'https://example.test/hook', description: null, eventTypes: ['*'], secret: 'whsec_' + Buffer.alloc(24, 1).toString('base64'),
      previousSecrets: [], legacySignatureHeader: false, status: EndpointStatus.Active, disabledReason: null, headers: null, rateLimitPerSecond: null, timeoutMs: null,
      retrySchedule: null, consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null, metadata: null, createdAt: t0, updatedAt: t0, deletedAt: null,
    });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await backend?.drop();
  });

  beforeEach(async () => {
    eventId = randomUUID();
    await stores.events.insert({ id: eventId, type: 'invoice.paid', tenantId: null, data: { n: 1 }, idempotencyKey: null, createdAt: t0 }, []);
  });

  describe('DeliveriesStore', () => {
    it('claims what is due, under the lease, and nothing else', async () => {
      const due = await delivery();
      const later = await delivery({ nextAttemptAt: at(60 * SECOND) });
      const finished = await delivery({ status: DeliveryStatus.Succeeded, nextAttemptAt: null });
      const hold = lease(10 * SECOND);
      const claimed = await stores.deliveries.claim([due, later, finished], at(SECOND), hold);
      expect(claimed.map((claim) => claim.id)).toEqual([due]);
      expect(claimed[0]).toMatchObject({ eventId, endpointId, attemptCount: 0, leaseToken: hold.token });
      expect(await row(due)).toMatchObject({ status: DeliveryStatus.Delivering, leaseToken: hold.token, nextAttemptAt: hold.until });
    });

    it('claims for attempts with each delivery’s endpoint, and each event at most once', async () => {
      const source = await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpointId });
      const other = randomUUID();
      await dataSource.getRepository(WebhookEndpoint).insert({ ...source, id: other, url: 'https://example.test/other', urlKey: null });
      const secondEvent = randomUUID();
      await stores.events.insert({ id: secondEvent, type: 'invoice.paid', tenantId: null, data: { n: 2 }, idempotencyKey: null, createdAt: t0 }, []);
      const first = await delivery();
      const toOther = await delivery({ endpointId: other });
      const ofSecond = await delivery({ eventId: secondEvent });
      const claims = await stores.deliveries.claimForAttempt([first, toOther, ofSecond], at(SECOND), lease(10 * SECOND));

      const byId = new Map(claims.map((claim) => [claim.delivery.id, claim]));
      expect([...byId.keys()].sort()).toEqual([first, toOther, ofSecond].sort());
      expect(byId.get(first)!.endpoint).toMatchObject({ id: endpointId, url: source.url, secret: source.secret, eventTypes: ['*'] });
      expect(byId.get(ofSecond)!.endpoint).toMatchObject({ id: endpointId, url: source.url, secret: source.secret });
      expect(byId.get(toOther)!.endpoint).toMatchObject({ id: other, url: 'https://example.test/other' });
      // A store that reads the events too (PostgreSQL's) gives each once, with one of its deliveries.
      const events = claims.filter((claim) => claim.event);
      for (const claim of events) expect(claim.event).toMatchObject({ id: claim.delivery.eventId, data: { n: claim.delivery.eventId === eventId ? 1 : 2 } });
      expect(new Set(events.map((claim) => claim.event!.id)).size).toBe(events.length);
      if (events.length > 0) expect(events).toHaveLength(2);
    });

    it('of two claimers of one delivery at once, one wins', async () => {
      const id = await delivery();
      const results = await Promise.all([stores.deliveries.claim([id], at(SECOND), lease(10 * SECOND)), stores.deliveries.claim([id], at(SECOND), lease(10 * SECOND))]);
      expect(results.map((claimed) => claimed.length).sort()).toEqual([0, 1]);
    });

    it('lets another claim a delivery once its lease has passed, not before', async () => {
      const id = await delivery();
      await stores.deliveries.claim([id], at(0), lease(10 * SECOND));
      expect(await stores.deliveries.claim([id], at(9 * SECOND), lease(20 * SECOND))).toEqual([]);
      const second = lease(30 * SECOND);
      expect((await stores.deliveries.claim([id], at(10 * SECOND), second)).map((claimed) => claimed.leaseToken)).toEqual([second.token]);
    });

    it('fences a stale holder out: its attempt, postponement, end and renewal change nothing, and say so', async () => {
      const id = await delivery();
      const [stale] = await stores.deliveries.claim([id], at(0), lease(10 * SECOND));
      const [current] = await stores.deliveries.claim([id], at(11 * SECOND), lease(21 * SECOND));
      const staleHeld = { id, leaseToken: stale.leaseToken };
      expect(await stores.deliveries.recordAttempts({ held: [staleHeld], attempts: [attemptOf(stale)], changes: succeeded })).toEqual([id]);
      expect(await stores.deliveries.postpone({ held: [staleHeld], until: at(99 * SECOND), now: at(12 * SECOND), behindCircuitOf: null })).toEqual([id]);
      expect(await stores.deliveries.finishWithoutAttempt(staleHeld, DeliveryStatus.Cancelled, 'endpoint deleted', at(12 * SECOND))).toBe(false);
      expect(await stores.deliveries.renewLeases([staleHeld], at(40 * SECOND))).toEqual([id]);
      expect(await row(id)).toMatchObject({ status: DeliveryStatus.Delivering, leaseToken: current.leaseToken, attemptCount: 0, nextAttemptAt: at(21 * SECOND) });
      expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: id })).toBe(0);

      expect(await stores.deliveries.recordAttempts({ held: [{ id, leaseToken: current.leaseToken }], attempts: [attemptOf(current)], changes: succeeded })).toEqual([]);
      expect(await row(id)).toMatchObject({ status: DeliveryStatus.Succeeded, attemptCount: 1, lastStatusCode: 200 });
      expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: id })).toBe(1);
    });

    it('records a retried batch once: the attempt ids are fixed', async () => {
      const id = await delivery();
      const [claimed] = await stores.deliveries.claim([id], at(0), lease(10 * SECOND));
      const group = { held: [{ id, leaseToken: claimed.leaseToken }], attempts: [attemptOf(claimed)], changes: succeeded };
      expect(await stores.deliveries.recordAttempts(group)).toEqual([]);
      expect(await stores.deliveries.recordAttempts(group)).toEqual([]);
      expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: id })).toBe(1);
    });

    it('renews a lease still held', async () => {
      const id = await delivery();
      const [claimed] = await stores.deliveries.claim([id], at(0), lease(10 * SECOND));
      expect(await stores.deliveries.renewLeases([{ id, leaseToken: claimed.leaseToken }], at(25 * SECOND))).toEqual([]);
      expect((await row(id)).nextAttemptAt).toEqual(at(25 * SECOND));
    });

    // PostgreSQL renews a batch in one statement: it skips what another statement has locked.
    (backendFactory.label.startsWith('PostgreSQL') ? it : it.skip)('renews without waiting for a lease another statement has locked, and does not call it lost', async () => {
      const [busy, free] = [await delivery(), await delivery()];
      const claims = await stores.deliveries.claim([busy, free], at(0), lease(10 * SECOND));
      const held = claims.map((claim) => ({ id: claim.id, leaseToken: claim.leaseToken }));
      const locker = dataSource.createQueryRunner();
      await locker.startTransaction();
      try {
        await locker.query(`SELECT 1 FROM "webhook_deliveries" WHERE "id" = $1 FOR UPDATE`, [busy]);
        expect(await stores.deliveries.renewLeases(held, at(25 * SECOND))).toEqual([]);
      } finally {
        await locker.rollbackTransaction();
        await locker.release();
      }
      expect((await row(free)).nextAttemptAt).toEqual(at(25 * SECOND));
      expect((await row(busy)).nextAttemptAt).toEqual(at(10 * SECOND));
      expect(await stores.deliveries.renewLeases(held, at(30 * SECOND))).toEqual([]);
      expect((await row(busy)).nextAttemptAt).toEqual(at(30 * SECOND));
    });

    it('finds endpoints by id in the order asked, deleted ones included, null for a missing one', async () => {
      const deleted = randomUUID();
      const source = await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpointId });
      await dataSource.getRepository(WebhookEndpoint).insert({ ...source, id: deleted, url: 'https://example.test/gone', urlKey: null, deletedAt: t0 });
      const missing = randomUUID();
      const found = await stores.deliveries.findEndpoints([deleted, missing, endpointId, deleted]);
      expect(found.map((endpoint) => endpoint?.id ?? null)).toEqual([deleted, null, endpointId, deleted]);
      expect(found[2]).toMatchObject({ url: source.url, secret: source.secret, eventTypes: ['*'], deletedAt: null });
      expect(found[0]?.deletedAt).toEqual(t0);
    });

    it('postpones behind an open circuit only while it is open', async () => {
      const [open, closed] = [await delivery(), await delivery()];
      const claims = await stores.deliveries.claim([open, closed], at(0), lease(10 * SECOND));
      const heldOf = (id: string) => ({ id, leaseToken: claims.find((claim) => claim.id === id)!.leaseToken });
      await dataSource.getRepository(WebhookEndpoint).update({ id: endpointId }, { circuitOpenUntil: at(60 * SECOND) });
      expect(await stores.deliveries.postpone({ held: [heldOf(open)], until: at(60 * SECOND), now: at(SECOND), behindCircuitOf: endpointId })).toEqual([]);
      await dataSource.getRepository(WebhookEndpoint).update({ id: endpointId }, { circuitOpenUntil: null });
      expect(await stores.deliveries.postpone({ held: [heldOf(closed)], until: at(60 * SECOND), now: at(SECOND), behindCircuitOf: endpointId })).toEqual([closed]);
      expect(await row(open)).toMatchObject({ status: DeliveryStatus.Retrying, nextAttemptAt: at(60 * SECOND) });
      expect((await row(closed)).status).toBe(DeliveryStatus.Delivering);
    });

    it('ends a held delivery without an attempt', async () => {
      const id = await delivery();
      const [claimed] = await stores.deliveries.claim([id], at(0), lease(10 * SECOND));
      expect(await stores.deliveries.finishWithoutAttempt({ id, leaseToken: claimed.leaseToken }, DeliveryStatus.Failed, 'endpoint disabled', at(SECOND))).toBe(true);
      expect(await row(id)).toMatchObject({ status: DeliveryStatus.Failed, lastError: 'endpoint disabled', nextAttemptAt: null, completedAt: at(SECOND) });
    });

    it('releases what waits for later on an endpoint, and pages through what is due', async () => {
      const waiting = await delivery({ status: DeliveryStatus.Retrying, nextAttemptAt: at(3_600 * SECOND) });
      expect(await stores.deliveries.releaseWaiting(endpointId, at(SECOND), 1_000)).toEqual(expect.arrayContaining([{ id: waiting, runAt: at(SECOND) }]));
      const ids = [await delivery({ nextAttemptAt: at(-3 * SECOND) }), await delivery({ nextAttemptAt: at(-2 * SECOND) })];
      const page = await stores.deliveries.dueAfter(null, at(-SECOND), 1);
      expect(page.map((due) => due.id)).toEqual([ids[0]]);
      expect((await stores.deliveries.dueAfter(page[0], at(-SECOND), 10)).map((due) => due.id)).toContain(ids[1]);
      const now = await stores.deliveries.dueNow(at(-SECOND), [ids[0]], 10);
      expect(now).toContain(ids[1]);
      expect(now).not.toContain(ids[0]);
    });
  });

  describe('EventsStore', () => {
    it('writes an event and its deliveries all or nothing, and finds it again by id and by idempotency key', async () => {
      const id = randomUUID();
      const deliveries = [{ id: randomUUID(), endpointId }, { id: randomUUID(), endpointId }];
      await stores.events.insert({ id, type: 'invoice.paid', tenantId: 'tenant-x', data: { a: 1 }, idempotencyKey: `key-${id}`, createdAt: t0 }, deliveries);
      expect(await stores.events.findById(id)).toEqual({ eventId: id, deliveryCount: 2 });
      expect(await stores.events.findByIdempotencyKey('tenant-x', `key-${id}`)).toEqual({ eventId: id, deliveryCount: 2 });
      // A delivery row that cannot be written (an unknown endpoint) takes the event with it.
      const broken = randomUUID();
      await expect(stores.events.insert({ id: broken, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, createdAt: t0 }, [{ id: randomUUID(), endpointId: randomUUID() }])).rejects.toThrow();
      expect(await dataSource.getRepository(WebhookEvent).countBy({ id: broken })).toBe(0);
    });

    it('stores the publisher’s trace context with the event, and null without one', async () => {
      const traced = randomUUID();
      const traceContext = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=opaque' };
      await stores.events.insert({ id: traced, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, traceContext, createdAt: t0 }, [{ id: randomUUID(), endpointId }]);
      const [stored, untraced] = await stores.deliveries.findEvents([traced, eventId]);
      expect(stored?.traceContext).toEqual(traceContext);
      expect(untraced?.traceContext).toBeNull();
    });

    it('writes in the caller’s transaction: a rollback leaves nothing', async () => {
      const id = randomUUID();
      await expect(
        stores.transactions.run(async (manager) => {
          await stores.events.insert({ id, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, createdAt: t0 }, [{ id: randomUUID(), endpointId }], manager);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await stores.events.findById(id)).toBeNull();
    });

    it('lists the active endpoints of a tenant', async () => {
      expect((await stores.events.subscribedEndpoints(null)).map((endpoint) => endpoint.id)).toContain(endpointId);
      expect(await stores.events.subscribedEndpoints('tenant-nobody')).toEqual([]);
    });
  });
});
