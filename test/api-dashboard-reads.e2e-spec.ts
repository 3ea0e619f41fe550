import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookEndpoint } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { minutesAgo, minutesFromNow, seedDeliveries, type SeededDelivery } from './support/delivery-seed';

// The reads the dashboard needs, on every supported database: endpoint search, totals and
// health, per-endpoint figures for a whole page in one request, deliveries with their
// endpoint's URL and hold, event search, and success rates that count what is still retrying.

const { Succeeded, Failed, Retrying, Pending } = DeliveryStatus;
const ok = (minutes: number) => [{ startedAt: minutesAgo(minutes), durationMs: 20, responseStatus: 200 }];
const refused = (minutes: number, status = 503) => [{ startedAt: minutesAgo(minutes), durationMs: 30, responseStatus: status }];

describe.each(BACKEND_ROWS)('management API: dashboard reads on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  const ids = { billing: '', crm: '', ledger: '', old: '', failing: '', tenantB: '' };
  let seeded: SeededDelivery[] = [];
  let circuitOpenUntil: Date;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis });
    a = await ApiClient.of(app, 'key-tenant-a');
    const create = async (client: ApiClient, url: string, eventTypes: string[], description?: string) =>
      (await client.post('/endpoints', { url, eventTypes, description })).body.id as string;
    ids.failing = await create(a, 'http://127.0.0.1:9/failing_one', ['invoice.paid']);
    ids.old = await create(a, 'http://127.0.0.1:9/old', ['*']);
    ids.ledger = await create(a, 'http://127.0.0.1:9/ledger', ['*']);
    ids.crm = await create(a, 'http://127.0.0.1:9/crm', ['payment.verified'], 'CRM');
    ids.billing = await create(a, 'http://127.0.0.1:9/billing-100%', ['invoice.*'], 'Billing system');
    ids.tenantB = await create(a.as('key-tenant-b'), 'http://127.0.0.1:9/billing-b', ['*']);
    await a.patch(`/endpoints/${ids.ledger}`, { status: 'paused' });
    await a.patch(`/endpoints/${ids.old}`, { status: 'disabled' });
    const dataSource = app.get(DataSource);
    circuitOpenUntil = minutesFromNow(10);
    await dataSource.getRepository(WebhookEndpoint).update(ids.crm, { consecutiveFailures: 9, failingSince: minutesAgo(60), circuitOpenUntil });
    await dataSource.getRepository(WebhookEndpoint).update(ids.failing, { consecutiveFailures: 2, failingSince: minutesAgo(40) });
    // Waiting deliveries are due in the future: no dispatcher touches them during the tests.
    seeded = await seedDeliveries(dataSource, [
      { endpointId: ids.billing, tenantId: 'tenant-a', status: Succeeded, createdAt: minutesAgo(100), attempts: ok(100) },
      { endpointId: ids.billing, tenantId: 'tenant-a', status: Succeeded, createdAt: minutesAgo(90), attempts: ok(90) },
      { endpointId: ids.billing, tenantId: 'tenant-a', status: Succeeded, createdAt: minutesAgo(80), attempts: ok(80) },
      { endpointId: ids.billing, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(70), attempts: [...refused(70, 500), ...refused(69, 500)] },
      { endpointId: ids.crm, tenantId: 'tenant-a', eventType: 'payment.verified', status: Succeeded, createdAt: minutesAgo(65), attempts: ok(65) },
      { endpointId: ids.crm, tenantId: 'tenant-a', eventType: 'payment.verified', status: Retrying, createdAt: minutesAgo(60), attempts: refused(60), nextAttemptAt: circuitOpenUntil },
      { endpointId: ids.crm, tenantId: 'tenant-a', eventType: 'payment.verified', status: Retrying, createdAt: minutesAgo(50), nextAttemptAt: circuitOpenUntil },
      { endpointId: ids.ledger, tenantId: 'tenant-a', status: Pending, createdAt: minutesAgo(40), nextAttemptAt: minutesFromNow(60) },
      { endpointId: ids.failing, tenantId: 'tenant-a', status: Retrying, createdAt: minutesAgo(30), attempts: refused(30), nextAttemptAt: minutesFromNow(30) },
      { endpointId: ids.tenantB, tenantId: 'tenant-b', status: Failed, createdAt: minutesAgo(20), attempts: refused(20) },
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  describe('endpoints', () => {
    it('shows each endpoint health: healthy, failing, circuit open until when, paused, disabled with the reason', async () => {
      const health = async (id: string) => (await a.get(`/endpoints/${id}`)).body.health;
      expect(await health(ids.billing)).toMatchObject({ state: 'healthy', consecutiveFailures: 0 });
      expect(await health(ids.failing)).toMatchObject({ state: 'failing', consecutiveFailures: 2 });
      expect(await health(ids.crm)).toMatchObject({ state: 'circuit-open', consecutiveFailures: 9, circuitOpenUntil: circuitOpenUntil.toISOString() });
      expect(await health(ids.ledger)).toMatchObject({ state: 'paused' });
      expect(await health(ids.old)).toMatchObject({ state: 'disabled', reason: 'disabled by request' });
    });

    it('answers a total on every page when asked, and pages through all of them once', async () => {
      expect((await a.get('/endpoints')).body.total).toBeUndefined();
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: Array<{ id: string }>; nextCursor: string | null; total: number } } = await a.get(`/endpoints?limit=2&includeTotal=true${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.body.total).toBe(5);
        seen.push(...page.body.data.map((endpoint) => endpoint.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual(Object.entries(ids).filter(([name]) => name !== 'tenantB').map(([, id]) => id).sort());
      expect((await a.get('/endpoints?eventType=invoice.paid&includeTotal=true')).body.total).toBe(4);
      expect((await a.get('/endpoints?status=paused&includeTotal=true')).body.total).toBe(1);
    });

    it.each([
      ['BILLING', 'billing'],
      ['crm', 'crm'],
      ['100%', 'billing'],
      ['_', 'failing'],
    ] as const)('finds endpoints by part of the URL or description: %p', async (search, name) => {
      const found = await a.get(`/endpoints?includeTotal=true&search=${encodeURIComponent(search)}`);
      expect(found.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([ids[name]]);
      expect(found.body.total).toBe(1);
    });

    it("finds an endpoint by its id, and never another tenant's", async () => {
      expect((await a.get(`/endpoints?search=${ids.ledger}`)).body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([ids.ledger]);
      expect((await a.get(`/endpoints?search=${ids.tenantB}`)).body.data).toEqual([]);
      expect((await a.get('/endpoints?search=billing-b')).body.data).toEqual([]);
    });

    it('answers the figures of a page of endpoints in one request, leaving out ids that are not the tenant\'s', async () => {
      const answer = await a.get(`/endpoints/stats?hours=24&endpointIds=${[ids.billing, ids.crm, ids.tenantB, ids.ledger].join(',')}`);
      expect(answer.status).toBe(200);
      const [billing, crm, ledger] = answer.body.data;
      expect(answer.body.data).toHaveLength(3);
      expect(billing).toMatchObject({ endpointId: ids.billing, deliveries: { total: 4, succeeded: 3, failed: 1, held: 0 }, successRate: 0.75, successRateIncludingRetrying: 0.75, waiting: 0, nextAttemptAt: null });
      expect(crm).toMatchObject({ endpointId: ids.crm, deliveries: { total: 3, succeeded: 1, retrying: 2, held: 2 }, successRate: 1, successRateIncludingRetrying: 0.3333, waiting: 2 });
      expect(new Date(crm.nextAttemptAt).getTime()).toBe(circuitOpenUntil.getTime());
      expect(ledger).toMatchObject({ endpointId: ids.ledger, deliveries: { total: 1, pending: 1, held: 1 }, successRate: null, waiting: 1 });
    });

    const tooMany = `endpointIds=${Array.from({ length: 101 }, () => '0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10').join(',')}`;
    it.each([['no ids', ''], ['an empty list', 'endpointIds='], ['an id that is not a uuid', 'endpointIds=nope'], ['101 ids', tooMany]])(
      'answers 400 naming endpointIds for %s',
      async (_case, query) => {
        const answer = await a.get(`/endpoints/stats?${query}`);
        expect(answer.status).toBe(400);
        expect(JSON.stringify(answer.body.message)).toContain('endpointIds');
      },
    );

    it.each([['includeTotal=yes', 'includeTotal'], [`search=${'x'.repeat(256)}`, 'search']])('answers 400 naming %2$s', async (query, field) => {
      const answer = await a.get(`/endpoints?${query}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toContain(field);
    });
  });

  describe('deliveries and events', () => {
    it("lists deliveries with their endpoint's URL, what holds them, and a total", async () => {
      const page = await a.get('/deliveries?includeTotal=true&limit=100');
      expect(page.body.total).toBe(9);
      const byId = new Map(page.body.data.map((delivery: { id: string }) => [delivery.id, delivery]));
      expect(byId.get(seeded[0].deliveryId)).toMatchObject({ endpointUrl: 'http://127.0.0.1:9/billing-100%', heldBecause: null });
      expect(byId.get(seeded[6].deliveryId)).toMatchObject({ endpointUrl: 'http://127.0.0.1:9/crm', heldBecause: 'circuit-open', attemptCount: 0 });
      expect(byId.get(seeded[7].deliveryId)).toMatchObject({ heldBecause: 'endpoint-paused' });
      expect(byId.get(seeded[8].deliveryId)).toMatchObject({ status: 'retrying', heldBecause: null });
      expect((await a.get(`/deliveries?status=retrying&includeTotal=true&endpointId=${ids.crm}`)).body.total).toBe(2);
    });

    it('finds the deliveries of one event', async () => {
      const found = await a.get(`/deliveries?eventId=${seeded[3].eventId}`);
      expect(found.body.data.map((delivery: { id: string }) => delivery.id)).toEqual([seeded[3].deliveryId]);
      expect((await a.get(`/deliveries?eventId=${seeded[9].eventId}`)).body.data).toEqual([]);
      expect((await a.get('/deliveries?eventId=nope')).status).toBe(400);
    });

    it('finds an event by its id or by one of its deliveries, with how its deliveries stand', async () => {
      const byEvent = await a.get(`/events?eventId=${seeded[3].eventId}&includeTotal=true`);
      expect(byEvent.body).toMatchObject({ total: 1, data: [{ id: seeded[3].eventId, deliveries: { total: 1, succeeded: 0, failed: 1, waiting: 0 } }] });
      const byDelivery = await a.get(`/events?deliveryId=${seeded[5].deliveryId}`);
      expect(byDelivery.body.data).toMatchObject([{ id: seeded[5].eventId, type: 'payment.verified', deliveries: { total: 1, waiting: 1 } }]);
      expect((await a.get(`/events?deliveryId=${seeded[9].deliveryId}`)).body.data).toEqual([]);
      expect((await a.get('/events?includeTotal=true&eventType=payment.verified')).body.total).toBe(3);
      expect((await a.get('/events?deliveryId=nope')).status).toBe(400);
    });

    it("shows a delivery with its endpoint's URL and the exact body it sends", async () => {
      const detail = await a.get(`/deliveries/${seeded[4].deliveryId}`);
      expect(detail.body).toMatchObject({ endpointUrl: 'http://127.0.0.1:9/crm', heldBecause: null });
      expect(JSON.parse(detail.body.requestBody)).toMatchObject({ id: seeded[4].eventId, type: 'payment.verified', data: { n: 4 } });
    });
  });

  describe('figures that count what is still retrying', () => {
    it('answers both success rates and the held deliveries, overall and by event type', async () => {
      const stats = (await a.get('/stats?hours=24')).body;
      expect(stats).toMatchObject({ deliveries: { total: 9, succeeded: 4, failed: 1, retrying: 3, pending: 1, held: 3 }, successRate: 0.8, successRateIncludingRetrying: 0.5 });
      expect(stats.byEventType).toContainEqual({ eventType: 'payment.verified', total: 3, succeeded: 1, failed: 0, retrying: 2, successRate: 1, successRateIncludingRetrying: 0.3333 });
    });

    it('answers the backlog: what waits, what is held behind circuits or a pause, and the next attempt', async () => {
      const { backlog } = (await a.get('/queue')).body;
      expect(backlog).toMatchObject({ due: 0, waiting: 4, retrying: 3, heldByCircuit: 2, heldByPause: 1, openCircuits: 1 });
      expect(new Date(backlog.nextAttemptAt).getTime()).toBe(circuitOpenUntil.getTime());
      expect((await a.as('key-tenant-b').get('/queue')).body.backlog).toMatchObject({ waiting: 0, heldByCircuit: 0, openCircuits: 0, nextAttemptAt: null });
    });
  });
});
