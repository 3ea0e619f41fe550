import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookEndpoint, WebhooksService } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';
import { hang, respond, TestReceiver } from './support/receiver';

// POST /endpoints/:id/test on an endpoint that something holds (open circuit, every slot
// busy) once waited for an attempt that was not coming: up to 90 s, reading the database
// every 50 ms. It now answers at once, saying why nothing was sent and until when the test
// delivery waits.

describe('POST /endpoints/:id/test on a held endpoint (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;
  let receiver: TestReceiver;
  let dataSource: DataSource;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startApiApp({ database: backend.database, withoutRedis: false, webhooks: { endpointConcurrency: 1, autoDisable: false } });
    api = await ApiClient.of(app, 'key-tenant-a');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
    for (const endpoint of (await api.get('/endpoints?limit=100')).body.data) await api.delete(`/endpoints/${endpoint.id}`);
  });

  const subscribe = async (extra: Record<string, unknown> = {}) =>
    (await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], ...extra })).body as { id: string };

  it('answers at once that the circuit is open, sends nothing, and keeps the test delivery waiting until the circuit ends', async () => {
    const endpoint = await subscribe();
    const circuitOpenUntil = new Date(Date.now() + 10 * 60_000);
    await dataSource.getRepository(WebhookEndpoint).update(endpoint.id, { consecutiveFailures: 5, failingSince: new Date(), circuitOpenUntil });

    const answer = await api.post(`/endpoints/${endpoint.id}/test`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ succeeded: false, status: null, responseBody: null });
    expect(answer.body.error).toBe(`not sent: the endpoint's circuit breaker is open after repeated failures; the test delivery waits until ${circuitOpenUntil.toISOString()}`);
    expect(receiver.requests).toHaveLength(0);
    const delivery = (await api.get(`/deliveries/${answer.body.deliveryId}`)).body;
    expect(delivery).toMatchObject({ eventType: 'webhook.test', attemptCount: 0, nextAttemptAt: circuitOpenUntil.toISOString() });
  });

  it('answers that the endpoint is busy while its one slot holds a slow request', async () => {
    receiver.otherwise(hang);
    const endpoint = await subscribe({ timeoutMs: 20_000, retrySchedule: { delaysMs: [0] } });
    await app.get(WebhooksService).publish('invoice.paid', { n: 1 }, { tenantId: 'tenant-a' });
    await receiver.waitForRequests(1);

    const answer = await api.post(`/endpoints/${endpoint.id}/test`);
    expect(answer.body).toMatchObject({ succeeded: false, status: null });
    expect(answer.body.error).toMatch(/^not sent: the endpoint has as many slow requests in flight as this process allows \(endpointConcurrency\); the test delivery waits until /);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('POST /endpoints/:id/test next to a dispatcher polling every 10 ms (SQLite, embedded)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;
  let receiver: TestReceiver;

  beforeAll(async () => {
    backend = await sqliteEmbedded.create();
    app = await startApiApp({ database: backend.database, withoutRedis: true, webhooks: { pollIntervalMs: 10 } });
    api = await ApiClient.of(app, 'key-tenant-a');
    receiver = await TestReceiver.start();
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('attempts the test delivery itself every time: the poller never takes it first', async () => {
    receiver.otherwise(respond(200, {}, 'pong'));
    const endpoint = (await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] })).body as { id: string };
    for (let test = 0; test < 20; test += 1) {
      const answer = await api.post(`/endpoints/${endpoint.id}/test`);
      expect(answer.body).toMatchObject({ succeeded: true, status: 200, responseBody: 'pong', error: null });
    }
    expect(receiver.requests).toHaveLength(20);
  });
});
