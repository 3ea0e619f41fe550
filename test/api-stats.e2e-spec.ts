import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { createWebhooksApiDocument } from 'nestjs-webhooks/api';
import { ApiClient, startApiApp } from './support/api-fixture';
import { mariadbWithBull, postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';

const HOUR = 3_600_000;

/** One delivery of the known set: its status, attempts as [response status, duration ms], age. */
interface KnownDelivery {
  eventType: string;
  status: DeliveryStatus;
  attempts: Array<[number | null, number]>;
  endpoint?: 'main' | 'other';
  tenant?: string;
  ageHours?: number;
}

const { Succeeded, Failed, Retrying, Pending, Cancelled } = DeliveryStatus;
const KNOWN: KnownDelivery[] = [
  { eventType: 'invoice.paid', status: Succeeded, attempts: [[200, 120]] },
  { eventType: 'invoice.paid', status: Succeeded, attempts: [[500, 300], [null, 2000], [200, 80]] },
  { eventType: 'invoice.paid', status: Failed, attempts: [[503, 60], [410, 40]] },
  { eventType: 'payment.verified', status: Succeeded, attempts: [[201, 100]] },
  { eventType: 'payment.verified', status: Retrying, attempts: [[500, 700]] },
  { eventType: 'payment.verified', status: Pending, attempts: [] },
  { eventType: 'payment.verified', status: Cancelled, attempts: [] },
  { eventType: 'invoice.created', status: Failed, attempts: [[404, 30]], endpoint: 'other' },
  // Outside a 24 h window, inside 48 h.
  { eventType: 'invoice.paid', status: Succeeded, attempts: [[200, 9999]], ageHours: 30 },
  // Another tenant's: never counted.
  { eventType: 'invoice.paid', status: Failed, attempts: [[500, 5]], tenant: 'tenant-b' },
];

describe.each([
  [postgresWithBull.label, postgresWithBull],
  [sqliteEmbedded.label, sqliteEmbedded],
  [mariadbWithBull.label, mariadbWithBull],
])('management API: statistics and OpenAPI on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  const endpoints: Record<'main' | 'other' | 'tenant-b', string> = { main: '', other: '', 'tenant-b': '' };

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis });
    a = await ApiClient.of(app, 'key-tenant-a');
    // Endpoints that nothing listens to; the known deliveries are written directly and never queued.
    endpoints.main = (await a.post('/endpoints', { url: 'http://127.0.0.1:9/main', eventTypes: ['*'] })).body.id;
    endpoints.other = (await a.post('/endpoints', { url: 'http://127.0.0.1:9/other', eventTypes: ['*'] })).body.id;
    endpoints['tenant-b'] = (await a.as('key-tenant-b').post('/endpoints', { url: 'http://127.0.0.1:9/b', eventTypes: ['*'] })).body.id;
    await writeKnownDeliveries(app.get(DataSource));
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  async function writeKnownDeliveries(dataSource: DataSource): Promise<void> {
    const now = Date.now();
    for (const known of KNOWN) {
      const tenantId = known.tenant ?? 'tenant-a';
      const createdAt = new Date(now - (known.ageHours ?? 1) * HOUR);
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: known.eventType, tenantId, data: {}, idempotencyKey: null, createdAt });
      await dataSource.getRepository(WebhookDelivery).insert({
        id: deliveryId,
        eventId,
        endpointId: known.tenant ? endpoints['tenant-b'] : endpoints[known.endpoint ?? 'main'],
        tenantId,
        eventType: known.eventType,
        status: known.status,
        attemptCount: known.attempts.length,
        nextAttemptAt: known.status === Retrying || known.status === Pending ? new Date(now + HOUR) : null,
        createdAt,
        updatedAt: createdAt,
      });
      for (const [index, [status, durationMs]] of known.attempts.entries()) {
        await dataSource.getRepository(WebhookAttempt).insert({
          id: randomUUID(),
          deliveryId,
          number: index + 1,
          startedAt: createdAt,
          durationMs,
          requestHeaders: {},
          responseStatus: status,
          responseHeaders: null,
          responseBody: null,
          error: status === null ? 'timeout' : null,
        });
      }
    }
  }

  it('GET /stats equals the hand-computed figures for the last 24 hours', async () => {
    const answer = await a.get('/stats?hours=24');
    expect(answer.status).toBe(200);
    expect(new Date(answer.body.to).getTime() - new Date(answer.body.from).getTime()).toBe(24 * HOUR);
    expect(answer.body).toMatchObject({
      deliveries: { total: 8, pending: 1, delivering: 0, retrying: 1, succeeded: 3, failed: 2, cancelled: 1 },
      // 3 succeeded of 5 finished.
      successRate: 0.6,
      attempts: 9,
      // (1 + 3 + 2 + 1 + 1) attempts over 5 finished deliveries.
      averageAttempts: 1.6,
      // Sorted durations 30 40 60 80 100 120 300 700 2000: mean 3430 / 9; nearest rank 5 of 9 and 9 of 9.
      latencyMs: { average: 381.11, p50: 100, p95: 2000 },
      byEventType: [
        { eventType: 'invoice.created', total: 1, succeeded: 0, failed: 1, successRate: 0 },
        { eventType: 'invoice.paid', total: 3, succeeded: 2, failed: 1, successRate: 0.6667 },
        { eventType: 'payment.verified', total: 4, succeeded: 1, failed: 0, successRate: 1 },
      ],
      byStatusCode: [
        { statusCode: 200, attempts: 2 },
        { statusCode: 201, attempts: 1 },
        { statusCode: 404, attempts: 1 },
        { statusCode: 410, attempts: 1 },
        { statusCode: 500, attempts: 2 },
        { statusCode: 503, attempts: 1 },
        { statusCode: null, attempts: 1 },
      ],
    });
  });

  it('GET /stats widens with hours: the 30-hour-old delivery counts in 48 hours', async () => {
    const answer = await a.get('/stats?hours=48');
    expect(answer.body).toMatchObject({
      deliveries: { total: 9, succeeded: 4 },
      successRate: 0.6667,
      attempts: 10,
      // 10 durations with 9999 last: nearest rank 5 → 100, rank 10 → 9999; mean 13429 / 10.
      latencyMs: { average: 1342.9, p50: 100, p95: 9999 },
    });
  });

  it('GET /endpoints/:id/stats counts that endpoint only', async () => {
    const answer = await a.get(`/endpoints/${endpoints.main}/stats?hours=24`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      deliveries: { total: 7, succeeded: 3, failed: 1 },
      successRate: 0.75,
      attempts: 8,
      averageAttempts: 1.75,
      // 40 60 80 100 120 300 700 2000: mean 3400 / 8; nearest rank 4 of 8 (100) and 8 of 8 (2000).
      latencyMs: { average: 425, p50: 100, p95: 2000 },
    });
    expect(answer.body.byStatusCode).not.toContainEqual({ statusCode: 404, attempts: 1 });
  });

  it('answers null figures, not errors, for a window without deliveries', async () => {
    const answer = await a.as('key-tenant-b').get('/stats?hours=1');
    expect(answer.body).toMatchObject({ deliveries: { total: 0 }, successRate: null, attempts: 0, averageAttempts: null, latencyMs: { average: null, p50: null, p95: null }, byEventType: [], byStatusCode: [] });
  });

  it.each(['hours=0', 'hours=2161', 'hours=1.5', 'hours=day', 'window=24'])('GET /stats?%s answers 400', async (query) => {
    const answer = await a.get(`/stats?${query}`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toMatch(/hours|window/);
    expect((await a.get(`/endpoints/${endpoints.main}/stats?${query}`)).status).toBe(400);
  });

  it('the OpenAPI document lists every route with its body and answer', async () => {
    const document = createWebhooksApiDocument(app);
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).filter((key) => ['get', 'post', 'patch', 'delete'].includes(key)).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /webhooks/endpoints',
        'GET /webhooks/endpoints',
        'GET /webhooks/endpoints/{id}',
        'PATCH /webhooks/endpoints/{id}',
        'DELETE /webhooks/endpoints/{id}',
        'POST /webhooks/endpoints/{id}/rotate-secret',
        'POST /webhooks/endpoints/{id}/test',
        'POST /webhooks/endpoints/{id}/recover',
        'GET /webhooks/endpoints/{id}/stats',
        'GET /webhooks/endpoints/stats',
        'POST /webhooks/events',
        'GET /webhooks/events',
        'GET /webhooks/events/{id}',
        'POST /webhooks/events/{id}/replay',
        'GET /webhooks/deliveries',
        'GET /webhooks/deliveries/export',
        'GET /webhooks/deliveries/{id}',
        'POST /webhooks/deliveries/{id}/retry',
        'POST /webhooks/deliveries/retry',
        'POST /webhooks/deliveries/recover',
        'POST /webhooks/deliveries/{id}/cancel',
        'POST /webhooks/deliveries/cancel',
        'GET /webhooks/event-types',
        'GET /webhooks/stats',
        'GET /webhooks/stats/timeseries',
        'GET /webhooks/failures',
        'GET /webhooks/queue',
      ].sort(),
    );
    const create = document.paths['/webhooks/endpoints'].post!;
    expect(JSON.stringify(create.requestBody)).toContain('CreateEndpointDto');
    expect(JSON.stringify(create.responses['201'])).toContain('EndpointWithSecretDto');
    expect(document.components?.schemas?.CreateEndpointDto).toMatchObject({ required: expect.arrayContaining(['url', 'eventTypes']) });
    expect(document.components?.securitySchemes?.['webhooks-api']).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' });
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'patch', 'delete'].includes(method)) continue;
        const op = operation as { summary?: string; responses: Record<string, unknown>; security?: unknown };
        expect([path, method, typeof op.summary]).toEqual([path, method, 'string']);
        expect(Object.keys(op.responses).some((code) => code.startsWith('2'))).toBe(true);
        expect(op.responses['401']).toBeDefined();
        expect(op.security).toEqual([{ 'webhooks-api': [] }]);
      }
    }
  });
});
