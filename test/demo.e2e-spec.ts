import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { generateWebhookSecret, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { createDemoApp } from '../apps/demo/src/create-demo-app';
import {
  DEFAULT_QUEUE_PREFIX,
  DemoConfigError,
  loadDemoConfig,
  RECEIVER_PATH,
  type DemoConfig,
} from '../apps/demo/src/config/demo-config';
import { DemoEndpointsRegistrar } from '../apps/demo/src/endpoints/demo-endpoints.registrar';
import type { ReceivedWebhook } from '../apps/demo/src/receiver/received-webhook.model';
import { createPostgresDatabase, TEST_REDIS_URL, uniqueName } from './support/services';
import { waitFor } from './support/wait-for';

// The demo app end to end: real PostgreSQL, real Redis, real HTTP. Each app instance gets its
// own database and queue prefix; the endpoint is the app's own receiver, on the port it got.

const TIMEOUT = 60_000;
/**
 * Redis on a port nothing listens on. Given as ioredis options rather than `redis://127.0.0.1:1`
 * only to shorten ioredis' own grace period on disconnect (2 s by default), so that nothing is
 * left running once the app is closed; the client keeps its reconnect loop as with a URL.
 */
const UNREACHABLE_REDIS = { host: '127.0.0.1', port: 1, disconnectTimeout: 100 };

type Database = Awaited<ReturnType<typeof createPostgresDatabase>>;

interface RunningDemo {
  app: INestApplication;
  url: string;
}

function demoConfig(databaseUrl: string, overrides: Partial<DemoConfig> = {}): DemoConfig {
  return {
    port: 0,
    database: { type: 'postgres', url: databaseUrl },
    redis: TEST_REDIS_URL,
    queuePrefix: uniqueName(DEFAULT_QUEUE_PREFIX),
    role: 'all',
    concurrency: undefined,
    webhooksEnabled: true,
    // Registered once the app listens and its port is known (see startDemo).
    endpointUrls: [],
    endpointSecret: generateWebhookSecret(),
    endpointSecretGenerated: true,
    apiKeys: { 'key-of-a': 'tenant-a', 'key-of-b': 'tenant-b' },
    tenant: 'demo',
    ...overrides,
  };
}

async function startDemo(config: DemoConfig, options: { registerOwnReceiver?: boolean } = {}): Promise<RunningDemo> {
  const app = await createDemoApp(config, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    if (options.registerOwnReceiver) await app.get(DemoEndpointsRegistrar).register([`${url}${RECEIVER_PATH}`]);
    return { app, url };
  } catch (error) {
    await app.close();
    throw error;
  }
}

async function call(base: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function receivedOfType(base: string, type: string): Promise<ReceivedWebhook | undefined> {
  const { body } = await call(base, 'GET', '/receiver/received');
  return (body as ReceivedWebhook[]).find((webhook) => webhook.type === type);
}

/** The same answer apart from the times the demo stamps on its records. */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (key, inner) => (/At$/.test(key) ? '<time>' : inner));
}

describe('demo app', () => {
  const databases: Database[] = [];
  const apps: INestApplication[] = [];
  let demo: RunningDemo;

  const database = async (): Promise<string> => {
    const created = await createPostgresDatabase();
    databases.push(created);
    return created.url;
  };
  const start = async (config: DemoConfig, options?: { registerOwnReceiver?: boolean }): Promise<RunningDemo> => {
    const running = await startDemo(config, options);
    apps.push(running.app);
    return running;
  };

  beforeAll(async () => {
    demo = await start(demoConfig(await database()), { registerOwnReceiver: true });
  }, TIMEOUT);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    for (const created of databases) await created.drop();
  }, TIMEOUT);

  it('sends payment.verified to its own receiver, which verifies it', async () => {
    const verified = await call(demo.url, 'POST', '/payments/p1/verify', { amount: 1250 });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ id: 'p1', amount: 1250, status: 'verified' });

    const received = await waitFor(() => receivedOfType(demo.url, 'payment.verified'), { what: 'payment.verified at the receiver' });
    expect(received).toMatchObject({ type: 'payment.verified', verified: true, data: verified.body });
    expect(typeof received.id).toBe('string');
  }, TIMEOUT);

  it('serves the management API behind its API keys, one tenant per key, and the OpenAPI document', async () => {
    const noKey = await fetch(`${demo.url}/webhooks/endpoints`);
    expect(noKey.status).toBe(401);
    const wrongKey = await fetch(`${demo.url}/webhooks/endpoints`, { headers: { 'x-api-key': 'key-of-c' } });
    expect(wrongKey.status).toBe(401);

    const created = await fetch(`${demo.url}/webhooks/endpoints`, {
      method: 'POST',
      headers: { 'x-api-key': 'key-of-a', 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${demo.url}${RECEIVER_PATH}`, eventTypes: ['invoice.paid'] }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    expect(endpoint.secret).toMatch(/^whsec_/);
    const asB = await fetch(`${demo.url}/webhooks/endpoints/${endpoint.id}`, { headers: { 'x-api-key': 'key-of-b' } });
    expect(asB.status).toBe(404);
    const asA = await fetch(`${demo.url}/webhooks/endpoints/${endpoint.id}`, { headers: { 'x-api-key': 'key-of-a' } });
    expect(asA.status).toBe(200);

    const document = (await (await fetch(`${demo.url}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/webhooks/endpoints', '/webhooks/deliveries/export', '/webhooks/stats']));
  }, TIMEOUT);

  it('sends invoice.created from the decorated controller route', async () => {
    const created = await call(demo.url, 'POST', '/invoices', { customer: 'ACME', amount: 9900 });
    expect(created.status).toBe(201);

    const received = await waitFor(() => receivedOfType(demo.url, 'invoice.created'), { what: 'invoice.created at the receiver' });
    expect(received.data).toEqual(created.body);

    const paid = await call(demo.url, 'POST', `/invoices/${created.body.id}/pay`);
    expect(paid.status).toBe(200);
    const paidWebhook = await waitFor(() => receivedOfType(demo.url, 'invoice.paid'), { what: 'invoice.paid at the receiver' });
    expect(paidWebhook.data).toMatchObject({ id: created.body.id, status: 'paid' });
  }, TIMEOUT);

  it('validates request bodies and sends nothing for a refused request', async () => {
    const refused = await call(demo.url, 'POST', '/payments/p2/verify', { amount: -1 });
    expect(refused.status).toBe(400);
    const unknown = await call(demo.url, 'POST', '/payments/unknown/refund', {});
    expect(unknown.status).toBe(404);
    const events = await demo.app.get<DataSource>(getDataSourceToken()).getRepository(WebhookEvent).findBy({ type: 'payment.refunded' });
    expect(events).toEqual([]);
  }, TIMEOUT);

  it('refuses webhooks whose signature does not verify', async () => {
    const response = await fetch(`${demo.url}${RECEIVER_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body: JSON.stringify({ id: 'msg_forged', type: 'payment.verified', timestamp: new Date().toISOString(), data: {} }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('no signature matches');
    const { body } = await call(demo.url, 'GET', '/receiver/received');
    expect((body as ReceivedWebhook[]).map((webhook) => webhook.id)).not.toContain('msg_forged');
  }, TIMEOUT);

  it('does not register an endpoint twice', async () => {
    expect(await demo.app.get(DemoEndpointsRegistrar).register([`${demo.url}${RECEIVER_PATH}`])).toEqual([]);
  }, TIMEOUT);

  it('answers /health with 200 when the database and Redis are up', async () => {
    const health = await call(demo.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', info: { webhooks: { status: 'up', database: 'up', redis: 'up' } } });
  }, TIMEOUT);

  it('answers /health with 503 when Redis is unreachable, and still shuts down', async () => {
    const broken = await start(demoConfig(await database(), { redis: UNREACHABLE_REDIS }));
    const health = await call(broken.url, 'GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'error', error: { webhooks: { status: 'down', database: 'up' } } });
    expect(health.body.error.webhooks.redis).not.toBe('up');
    await broken.app.close();
  }, TIMEOUT);

  it('without Redis (REDIS_URL set but empty), delivers in embedded mode', async () => {
    const config = demoConfig(await database(), { redis: loadDemoConfig({ REDIS_URL: '' }).redis });
    expect(config.redis).toBeUndefined();
    const embedded = await start(config, { registerOwnReceiver: true });

    expect((await call(embedded.url, 'POST', '/payments/e1/verify', { amount: 42 })).status).toBe(200);
    const received = await waitFor(() => receivedOfType(embedded.url, 'payment.verified'), { what: 'payment.verified in embedded mode' });
    expect(received.data).toMatchObject({ id: 'e1', amount: 42 });

    const health = await call(embedded.url, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.info.webhooks).toMatchObject({ status: 'up', database: 'up', redis: 'not configured' });
  }, TIMEOUT);

  it('with WEBHOOKS_ENABLED=false, answers the same and stores nothing', async () => {
    const disabled = await start(demoConfig(await database(), { webhooksEnabled: false }), { registerOwnReceiver: false });
    const requests: Array<[string, unknown]> = [
      ['/payments/p9/verify', { amount: 500, currency: 'USD' }],
      ['/payments/p9/refund', { amount: 200, reason: 'partial' }],
      ['/invoices', { customer: 'Initech', amount: 700 }],
    ];
    for (const [path, body] of requests) {
      const [enabledAnswer, disabledAnswer] = [await call(demo.url, 'POST', path, body), await call(disabled.url, 'POST', path, body)];
      expect(disabledAnswer.status).toBe(enabledAnswer.status);
      expect(withoutTimes(disabledAnswer.body)).toEqual(withoutTimes({ ...enabledAnswer.body, ...pickIds(disabledAnswer.body) }));
    }
    const invoiceId = (await call(disabled.url, 'POST', '/invoices', { customer: 'Initech', amount: 1 })).body.id as string;
    expect((await call(disabled.url, 'POST', `/invoices/${invoiceId}/pay`)).status).toBe(200);

    const dataSource = disabled.app.get<DataSource>(getDataSourceToken());
    expect(await dataSource.getRepository(WebhookEvent).count()).toBe(0);
    expect(await dataSource.getRepository(WebhookDelivery).count()).toBe(0);
  }, TIMEOUT);
});

describe('demo config', () => {
  const secret = generateWebhookSecret();

  it('defaults to SQLite, no Redis (embedded mode), both roles, webhooks on and its own receiver with a generated secret', () => {
    const config = loadDemoConfig({}, () => secret);
    expect(config).toMatchObject({
      port: 3000,
      database: { type: 'better-sqlite3', database: 'demo.sqlite' },
      redis: undefined,
      role: 'all',
      webhooksEnabled: true,
      endpointUrls: ['http://127.0.0.1:3000/receiver/hook'],
      endpointSecret: secret,
      endpointSecretGenerated: true,
      apiKeys: {},
      tenant: 'demo',
    });
  });

  it('reads every variable', () => {
    const config = loadDemoConfig({
      PORT: '4000',
      DATABASE_URL: 'postgres://demo@db:5432/demo',
      REDIS_URL: 'redis://cache:6380/2',
      WEBHOOKS_ENABLED: 'false',
      DEMO_ENDPOINTS: 'https://a.example/hook, https://b.example/hook',
      DEMO_ENDPOINT_SECRET: secret,
      DEMO_API_KEYS: 'k1:tenant-a, k2:tenant-b',
      WEBHOOKS_ROLE: 'worker',
      WEBHOOKS_QUEUE_PREFIX: 'q1',
      WEBHOOKS_CONCURRENCY: '8',
    }, () => 'unused');
    expect(config).toMatchObject({
      port: 4000,
      database: { type: 'postgres', url: 'postgres://demo@db:5432/demo' },
      redis: 'redis://cache:6380/2',
      role: 'worker',
      queuePrefix: 'q1',
      concurrency: 8,
      webhooksEnabled: false,
      endpointUrls: ['https://a.example/hook', 'https://b.example/hook'],
      endpointSecret: secret,
      endpointSecretGenerated: false,
      apiKeys: { k1: 'tenant-a', k2: 'tenant-b' },
    });
  });

  it('passes no Redis when REDIS_URL is set but empty, and accepts sqlite: URLs', () => {
    const config = loadDemoConfig({ REDIS_URL: '', DATABASE_URL: 'sqlite:./data/demo.sqlite', DEMO_ENDPOINTS: '' }, () => secret);
    expect(config.redis).toBeUndefined();
    expect(config.database).toEqual({ type: 'better-sqlite3', database: './data/demo.sqlite' });
    expect(config.endpointUrls).toEqual([]);
  });

  it('refuses values it cannot use', () => {
    expect(() => loadDemoConfig({ DATABASE_URL: 'mysql://x' })).toThrow(DemoConfigError);
    expect(() => loadDemoConfig({ PORT: 'eighty' })).toThrow(DemoConfigError);
    expect(() => loadDemoConfig({ WEBHOOKS_ROLE: 'both' })).toThrow(/WEBHOOKS_ROLE/);
    expect(() => loadDemoConfig({ DEMO_API_KEYS: 'no-tenant' })).toThrow(/DEMO_API_KEYS/);
    expect(() => loadDemoConfig({ WEBHOOKS_CONCURRENCY: '0' })).toThrow(/WEBHOOKS_CONCURRENCY/);
    expect(() => loadDemoConfig({ PORT: '0' })).toThrow(DemoConfigError);
    expect(() => loadDemoConfig({ DEMO_ENDPOINT_SECRET: 'plain' })).toThrow(DemoConfigError);
  });
});

/** Invoice ids count per app instance: compare everything else. */
function pickIds(body: Record<string, unknown>): Record<string, unknown> {
  return typeof body.id === 'string' && body.id.startsWith('inv_') ? { id: body.id } : {};
}
