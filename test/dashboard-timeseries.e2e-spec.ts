import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';

// GET /stats/timeseries (the dashboard's charts) against hand-computed figures, on every
// supported database: the bucketing SQL must be portable.

const MINUTE = 60_000;
const { Succeeded, Failed, Retrying } = DeliveryStatus;

/** A delivery written directly: status, attempt durations, age in minutes, endpoint. */
interface KnownDelivery {
  status: DeliveryStatus;
  durations: number[];
  ageMinutes: number;
  endpoint?: 'main' | 'other' | 'tenant-b';
}

// With hours=3&buckets=3 the buckets are [now-3h, now-2h), [now-2h, now-1h), [now-1h, now];
// every age below sits at least 10 minutes from a bucket edge.
const KNOWN: KnownDelivery[] = [
  { status: Succeeded, durations: [10], ageMinutes: 150 },
  { status: Failed, durations: [30], ageMinutes: 140 },
  { status: Succeeded, durations: [40, 20], ageMinutes: 30 },
  { status: Succeeded, durations: [70], ageMinutes: 20 },
  { status: Retrying, durations: [500], ageMinutes: 15 },
  { status: Failed, durations: [5], ageMinutes: 25, endpoint: 'other' },
  // Outside the window.
  { status: Failed, durations: [9999], ageMinutes: 300 },
  // Another tenant's.
  { status: Failed, durations: [1], ageMinutes: 30, endpoint: 'tenant-b' },
];

describe.each(BACKEND_ROWS)('management API: statistics over time on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  const endpoints = { main: '', other: '', 'tenant-b': '' };

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis });
    a = await ApiClient.of(app, 'key-tenant-a');
    endpoints.main = (await a.post('/endpoints', { url: 'http://127.0.0.1:9/main', eventTypes: ['*'] })).body.id;
    endpoints.other = (await a.post('/endpoints', { url: 'http://127.0.0.1:9/other', eventTypes: ['*'] })).body.id;
    endpoints['tenant-b'] = (await a.as('key-tenant-b').post('/endpoints', { url: 'http://127.0.0.1:9/b', eventTypes: ['*'] })).body.id;
    const dataSource = app.get(DataSource);
    const now = Date.now();
    for (const known of KNOWN) {
      const tenantId = known.endpoint === 'tenant-b' ? 'tenant-b' : 'tenant-a';
      const createdAt = new Date(now - known.ageMinutes * MINUTE);
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId, data: {}, idempotencyKey: null, createdAt });
      await dataSource.getRepository(WebhookDelivery).insert({
        id: deliveryId,
        eventId,
        endpointId: endpoints[known.endpoint ?? 'main'],
        tenantId,
        eventType: 'invoice.paid',
        status: known.status,
        attemptCount: known.durations.length,
        nextAttemptAt: known.status === Retrying ? new Date(now + 60 * MINUTE) : null,
        createdAt,
        updatedAt: createdAt,
      });
      for (const [index, durationMs] of known.durations.entries()) {
        await dataSource.getRepository(WebhookAttempt).insert({
          id: randomUUID(),
          deliveryId,
          number: index + 1,
          startedAt: createdAt,
          durationMs,
          requestHeaders: {},
          responseStatus: 200,
          responseHeaders: null,
          responseBody: null,
          error: null,
        });
      }
    }
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('cuts the window into equal buckets with hand-computed figures', async () => {
    const answer = await a.get('/stats/timeseries?hours=3&buckets=3');
    expect(answer.status).toBe(200);
    expect(answer.body.endpointId).toBeNull();
    const buckets = answer.body.data;
    expect(buckets).toHaveLength(3);
    expect(new Date(buckets[0].from).getTime()).toBe(new Date(answer.body.from).getTime());
    expect(new Date(buckets[2].to).getTime()).toBe(new Date(answer.body.to).getTime());
    expect(new Date(buckets[1].to).getTime() - new Date(buckets[1].from).getTime()).toBe(60 * MINUTE);
    // Oldest: 1 succeeded, 1 failed; durations 10 30 → nearest rank 1 of 2 and 2 of 2.
    expect(buckets[0]).toMatchObject({ succeeded: 1, failed: 1, successRate: 0.5, attempts: 2, latencyMs: { p50: 10, p95: 30 } });
    expect(buckets[1]).toMatchObject({ succeeded: 0, failed: 0, successRate: null, attempts: 0, latencyMs: { p50: null, p95: null } });
    // Newest: 2 succeeded, 1 failed (other endpoint), 1 retrying (not finished);
    // durations 5 20 40 70 500 → rank ceil(2.5) = 3 (40) and ceil(4.75) = 5 (500).
    expect(buckets[2]).toMatchObject({ succeeded: 2, failed: 1, successRate: 0.6667, attempts: 5, latencyMs: { p50: 40, p95: 500 } });
  });

  it('counts one endpoint only with endpointId', async () => {
    const answer = await a.get(`/stats/timeseries?hours=3&buckets=3&endpointId=${endpoints.main}`);
    expect(answer.status).toBe(200);
    expect(answer.body.endpointId).toBe(endpoints.main);
    // 20 40 70 500 → rank 2 (40) and rank 4 (500).
    expect(answer.body.data[2]).toMatchObject({ succeeded: 2, failed: 0, successRate: 1, attempts: 4, latencyMs: { p50: 40, p95: 500 } });
  });

  it("never counts another tenant's deliveries, and answers 404 for its endpoint", async () => {
    const b = a.as('key-tenant-b');
    const answer = await b.get('/stats/timeseries?hours=3&buckets=1');
    expect(answer.body.data).toEqual([expect.objectContaining({ succeeded: 0, failed: 1, attempts: 1, latencyMs: { p50: 1, p95: 1 } })]);
    expect((await b.get(`/stats/timeseries?endpointId=${endpoints.main}`)).status).toBe(404);
  });

  it('defaults to 24 hourly buckets', async () => {
    const answer = await a.get('/stats/timeseries');
    expect(answer.body.data).toHaveLength(24);
    expect(answer.body.data.reduce((sum: number, bucket: { attempts: number }) => sum + bucket.attempts, 0)).toBe(8);
  });

  it.each(['buckets=0', 'buckets=97', 'buckets=2.5', 'hours=0', 'endpointId=nope', 'step=1'])('answers 400 for %s', async (query) => {
    const answer = await a.get(`/stats/timeseries?${query}`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.message)).toMatch(/buckets|hours|endpointId|step/);
  });
});
