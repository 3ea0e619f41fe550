import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EndpointsService, WebhooksHealthIndicator } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { createPostgresDatabase, TEST_REDIS_URL } from './support/services';
import { TcpProxy } from './support/tcp-proxy';

// The management API and the health check while PostgreSQL or Redis is out of reach: TCP
// proxies between the app and the shared servers are cut (the servers keep running).

describe('management API and health during outages (PostgreSQL and Redis behind proxies)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let databaseProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let app: INestApplication;
  let api: ApiClient;
  let deliveryId: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const databaseUrl = new URL(database.url);
    databaseProxy = await TcpProxy.start(Number(databaseUrl.port || 5432), databaseUrl.hostname);
    const redisUrl = new URL(TEST_REDIS_URL);
    redisProxy = await TcpProxy.start(Number(redisUrl.port || 6379), redisUrl.hostname);
    databaseUrl.port = String(databaseProxy.port);
    app = await startApiApp({
      database: { type: 'postgres', url: databaseUrl.toString() },
      webhooks: { redis: { host: '127.0.0.1', port: redisProxy.port, maxRetriesPerRequest: null }, enqueueTimeoutMs: 300, worker: false },
    });
    api = await ApiClient.of(app, 'key-tenant-a');
    await app.get(EndpointsService).create({ url: 'http://127.0.0.1:9/hook', eventTypes: ['*'], tenantId: 'tenant-a' });
    const published = await api.post('/events', { type: 'invoice.paid', data: {} });
    expect(published.status).toBe(202);
    deliveryId = (await api.get('/deliveries')).body.data[0].id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await databaseProxy?.close();
    await redisProxy?.close();
    await database?.drop();
  });

  it('answers 503 with Retry-After, never 500, while the database is out of reach, and 200 once it is back', async () => {
    databaseProxy.cut();
    try {
      for (const path of ['/endpoints', '/deliveries', `/deliveries/${deliveryId}`, '/stats', '/event-types?x=1']) {
        const answer = await api.get(path);
        if (path.startsWith('/event-types')) continue; // the catalog lives in memory
        expect({ path, status: answer.status, retryAfter: answer.headers.get('retry-after') }).toEqual({ path, status: 503, retryAfter: '5' });
        expect(answer.body.message).toBe('the database is unavailable, try again later');
      }
      expect((await api.post('/events', { type: 'invoice.paid', data: {} })).status).toBe(503);
    } finally {
      databaseProxy.restore();
    }
    expect((await api.get('/endpoints')).status).toBe(200);
  });

  it('answers 503 with Retry-After for the queue counts while Redis is out of reach; a retry is accepted all the same', async () => {
    redisProxy.cut();
    try {
      const queue = await api.get('/queue');
      expect({ status: queue.status, retryAfter: queue.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '5' });
      // Stored in the database at once; the reconciler queues it once Redis answers.
      expect((await api.post(`/deliveries/${deliveryId}/retry`)).status).toBe(202);
    } finally {
      redisProxy.restore();
    }
  });

  it('health: down during a Redis cut, up at the first check after Redis is back', async () => {
    const health = app.get(WebhooksHealthIndicator);
    redisProxy.cut();
    try {
      expect((await health.isHealthy()).webhooks).toMatchObject({ status: 'down', database: 'up' });
    } finally {
      redisProxy.restore();
    }
    expect((await health.isHealthy()).webhooks).toMatchObject({ status: 'up', redis: 'up' });
  });

  it('health: down during a database cut, up at the first check after it is back', async () => {
    const health = app.get(WebhooksHealthIndicator);
    databaseProxy.cut();
    try {
      expect((await health.isHealthy()).webhooks.status).toBe('down');
    } finally {
      databaseProxy.restore();
    }
    expect((await health.isHealthy()).webhooks).toMatchObject({ status: 'up', database: 'up' });
  });
});
