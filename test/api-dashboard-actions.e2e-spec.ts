import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookEndpoint } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { mariadbWithBull, postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';
import { minutesAgo, minutesFromNow, seedDeliveries } from './support/delivery-seed';
import { testWebhookOptions } from './support/fixture-app';
import { TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// What the dashboard does beyond reading: send a catalog example, see a held test at once,
// retry a selection, recover every dead letter since a time, change an endpoint's URL, and
// chart attempts by the time they were made.

const INVOICE_EXAMPLE = { invoiceId: 'inv_example', amount: 4200, currency: 'EUR' };
const { Failed, Succeeded } = DeliveryStatus;

describe.each([
  [postgresWithBull.label, postgresWithBull],
  [sqliteEmbedded.label, sqliteEmbedded],
  [mariadbWithBull.label, mariadbWithBull],
])('management API: dashboard actions on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  let receiver: TestReceiver;
  let dataSource: DataSource;

  beforeAll(async () => {
    backend = await backendFactory.create();
    receiver = await TestReceiver.start();
    const eventTypes = ['payment.verified', 'invoice.created', { name: 'invoice.paid', description: 'An invoice was paid.', example: INVOICE_EXAMPLE }];
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { ...testWebhookOptions(), eventTypes, autoDisable: false } });
    a = await ApiClient.of(app, 'key-tenant-a');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  const subscribe = async (path: string, extra: Record<string, unknown> = {}) =>
    (await a.post('/endpoints', { url: receiver.endpoint(path), eventTypes: ['payment.verified'], ...extra })).body.id as string;

  describe('test sends', () => {
    it("sends the catalog's example of a chosen type to this endpoint only, and shows the exact body it sent", async () => {
      const endpointId = await subscribe('/example');
      const answer = await a.post(`/endpoints/${endpointId}/test`, { eventType: 'invoice.paid' });
      expect(answer.body).toMatchObject({ succeeded: true, sent: true, heldBecause: null, nextAttemptAt: null, eventType: 'invoice.paid', status: 200 });
      const received = receiver.requests.find((request) => request.path === '/example')!;
      expect(JSON.parse(received.body)).toMatchObject({ id: answer.body.eventId, type: 'invoice.paid', data: INVOICE_EXAMPLE });
      const delivery = (await a.get(`/deliveries/${answer.body.deliveryId}`)).body;
      expect(delivery.requestBody).toBe(received.body);
      expect(delivery.attempts[0].requestHeaders['webhook-signature']).toBe(received.headers['webhook-signature']);
    });

    it('still sends webhook.test without a body, and refuses a type outside the catalog naming eventType', async () => {
      const endpointId = await subscribe('/plain');
      expect((await a.post(`/endpoints/${endpointId}/test`)).body).toMatchObject({ succeeded: true, eventType: 'webhook.test' });
      const refused = await a.post(`/endpoints/${endpointId}/test`, { eventType: 'invoice.burned' });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain('eventType');
      expect((await a.post(`/endpoints/${endpointId}/test`, { eventType: 7 })).status).toBe(400);
    });

    it('answers at once that the circuit holds the test, with when it will be tried', async () => {
      const endpointId = await subscribe('/held');
      const circuitOpenUntil = minutesFromNow(10);
      await dataSource.getRepository(WebhookEndpoint).update(endpointId, { consecutiveFailures: 5, failingSince: new Date(), circuitOpenUntil });
      const answer = await a.post(`/endpoints/${endpointId}/test`);
      expect(answer.body).toMatchObject({ sent: false, heldBecause: 'circuit-open', succeeded: false, nextAttemptAt: circuitOpenUntil.toISOString() });
      expect(receiver.requests.some((request) => request.path === '/held')).toBe(false);
    });
  });

  it("a new URL starts with a closed circuit and no failure streak; other changes keep the endpoint's health", async () => {
    const endpointId = await subscribe('/moving');
    const failing = { consecutiveFailures: 9, failingSince: minutesAgo(30), circuitOpenUntil: minutesFromNow(5) };
    await dataSource.getRepository(WebhookEndpoint).update(endpointId, failing);
    const described = await a.patch(`/endpoints/${endpointId}`, { description: 'still the same receiver' });
    expect(described.body.health).toMatchObject({ state: 'circuit-open', consecutiveFailures: 9 });
    const moved = await a.patch(`/endpoints/${endpointId}`, { url: receiver.endpoint('/moved') });
    expect(moved.body).toMatchObject({ consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null, health: { state: 'healthy' } });
  });

  describe('retry and recovery', () => {
    it('retries a selection at once, each outcome apart', async () => {
      const endpointId = await subscribe('/selection');
      const theirs = (await a.as('key-tenant-b').post('/endpoints', { url: receiver.endpoint('/b'), eventTypes: ['*'] })).body.id;
      const [first, second, other] = await seedDeliveries(dataSource, [
        { endpointId, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(30) },
        { endpointId, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(20) },
        { endpointId: theirs, tenantId: 'tenant-b', status: Failed, createdAt: minutesAgo(10) },
      ]);
      const answer = await a.post('/deliveries/retry', { deliveryIds: [first.deliveryId, other.deliveryId, second.deliveryId] });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ retried: 2, refused: 1 });
      expect(answer.body.data).toEqual([
        { deliveryId: first.deliveryId, status: 'pending', error: null },
        { deliveryId: other.deliveryId, status: null, error: expect.stringContaining('not found') },
        { deliveryId: second.deliveryId, status: 'pending', error: null },
      ]);
      for (const { deliveryId } of [first, second]) {
        await waitFor(async () => (await a.get(`/deliveries/${deliveryId}`)).body.status === 'succeeded', { what: 'a retried delivery to succeed' });
      }
    });

    it.each([
      ['no list', {}],
      ['an empty list', { deliveryIds: [] }],
      ['an id that is not a uuid', { deliveryIds: ['nope'] }],
      ['101 ids', { deliveryIds: Array.from({ length: 101 }, () => '0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10') }],
    ])('answers 400 naming deliveryIds for %s', async (_case, body) => {
      const answer = await a.post('/deliveries/retry', body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toContain('deliveryIds');
    });

    it('recovers every dead letter since a time, of one event type or one endpoint, skipping disabled endpoints', async () => {
      const live = await subscribe('/recover-live');
      const off = await subscribe('/recover-off');
      await a.patch(`/endpoints/${off}`, { status: 'disabled' });
      const [old, recent, otherType, disabled] = await seedDeliveries(dataSource, [
        { endpointId: live, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(120) },
        { endpointId: live, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(30), eventType: 'payment.verified' },
        { endpointId: live, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(25), eventType: 'invoice.created' },
        { endpointId: off, tenantId: 'tenant-a', status: Failed, createdAt: minutesAgo(20), eventType: 'payment.verified' },
        { endpointId: live, tenantId: 'tenant-a', status: Succeeded, createdAt: minutesAgo(15) },
      ]);
      const since = minutesAgo(60).toISOString();
      const oneType = await a.post('/deliveries/recover', { since, eventType: 'payment.verified', endpointId: live });
      expect(oneType.body).toEqual({ count: 1, skipped: 0 });
      const everything = await a.post('/deliveries/recover', { since });
      expect(everything.status).toBe(202);
      expect(everything.body).toEqual({ count: 1, skipped: 1 });
      await waitFor(async () => (await a.get(`/deliveries/${otherType.deliveryId}`)).body.status === 'succeeded', { what: 'the recovered delivery' });
      expect((await a.get(`/deliveries/${recent.deliveryId}`)).body.status).not.toBe('failed');
      expect((await a.get(`/deliveries/${old.deliveryId}`)).body.status).toBe('failed');
      expect((await a.get(`/deliveries/${disabled.deliveryId}`)).body.status).toBe('failed');
    });

    it.each([
      ['400 for a since that is not a date', { since: 'yesterday' }, 400, 'since'],
      ['400 for an endpoint id that is not a uuid', { since: '2026-01-01T00:00:00Z', endpointId: 'x' }, 400, 'endpointId'],
      ["404 for another tenant's endpoint", { since: '2026-01-01T00:00:00Z', endpointId: '0b0e8d5e-5f0c-4a3e-9f52-3b8f6d1c2a10' }, 404, 'endpoint'],
    ])('POST /deliveries/recover answers %s', async (_case, body, status, field) => {
      const answer = await a.post('/deliveries/recover', body);
      expect(answer.status).toBe(status);
      expect(JSON.stringify(answer.body.message)).toContain(field);
    });
  });

  it('charts attempts by the time they were made, with status codes and event types per bucket', async () => {
    const endpointId = await subscribe('/charted');
    await seedDeliveries(dataSource, [
      {
        endpointId,
        tenantId: 'tenant-a',
        eventType: 'invoice.created',
        status: Succeeded,
        createdAt: minutesAgo(150),
        attempts: [
          { startedAt: minutesAgo(40), durationMs: 900, responseStatus: 503 },
          { startedAt: minutesAgo(10), durationMs: 100, responseStatus: 200 },
        ],
      },
    ]);
    const byAttempt = await a.get(`/stats/timeseries?hours=3&buckets=3&by=attempt&endpointId=${endpointId}`);
    expect(byAttempt.body.by).toBe('attempt');
    const [oldest, middle, newest] = byAttempt.body.data;
    expect(oldest).toMatchObject({ attempts: 0, successRate: null, byStatusCode: [], byEventType: [] });
    expect(middle.attempts).toBe(0);
    expect(newest).toMatchObject({
      attempts: 2,
      succeeded: 1,
      failed: 1,
      successRate: 0.5,
      latencyMs: { p50: 100, p95: 900 },
      byStatusCode: [{ statusCode: 200, attempts: 1 }, { statusCode: 503, attempts: 1 }],
      byEventType: [{ eventType: 'invoice.created', attempts: 2, succeeded: 1 }],
    });
    // By creation time (the default, as before): everything sits in the bucket the delivery was created in.
    const byCreation = await a.get(`/stats/timeseries?hours=3&buckets=3&endpointId=${endpointId}`);
    expect(byCreation.body.by).toBe('created');
    expect(byCreation.body.data.map((bucket: { attempts: number }) => bucket.attempts)).toEqual([2, 0, 0]);
    expect((await a.get('/stats/timeseries?by=sent')).status).toBe(400);
  });
});
