import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { EmitsWebhook, EndpointsService, WebhookEvent, WebhooksHealthIndicator, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase, uniqueName } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait-for';

// Events of decorated methods and domain events are not lost while the database is out of
// reach: the test cuts a TCP proxy between the app and PostgreSQL (the shared server keeps
// running), calls the methods, and restores it.

@Injectable()
class OrdersService {
  static tenant = '';

  @EmitsWebhook('invoice.created', { tenant: () => OrdersService.tenant })
  placeSync(n: number) {
    return { n, via: 'sync' };
  }

  @EmitsWebhook('invoice.paid', { tenant: () => OrdersService.tenant })
  async payAsync(n: number) {
    return { n, via: 'async' };
  }

  /** Cannot be serialised at all: refused at once, for good. */
  @EmitsWebhook('invoice.paid', { tenant: () => OrdersService.tenant, data: () => circular() })
  async unserialisable() {
    return 'ok';
  }

  /** Passes the checks, then fails every time it is written, while others are stored. */
  @EmitsWebhook('invoice.paid', { tenant: () => OrdersService.tenant, data: () => failsWhenWritten() })
  async poison() {
    return 'ok';
  }
}

function circular(): object {
  const data: Record<string, unknown> = {};
  data.self = data;
  return data;
}

/** Its JSON is read twice per attempt: once checked, once written; the writing always fails. */
function failsWhenWritten(): object {
  let reads = 0;
  return { toJSON: () => (++reads % 2 === 1 ? { fine: true } : (() => { throw new Error('refused when written'); })()) };
}

describe('publish buffer: a database out of reach loses no event (PostgreSQL behind a proxy, embedded mode)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let proxy: TcpProxy;
  let receiver: TestReceiver;
  let app: INestApplication | undefined;
  let direct: DataSource;

  const start = async (webhooks: object = {}) => {
    const url = new URL(database.url);
    url.port = String(proxy.port);
    app = await startFixtureApp({
      database: { type: 'postgres', url: url.toString() },
      withoutRedis: true,
      providers: [OrdersService],
      webhooks: { pollIntervalMs: 50, listenTo: ['payment.*'], ...webhooks },
    });
    OrdersService.tenant = uniqueName('buffer');
    await app.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], tenantId: OrdersService.tenant });
    return app;
  };
  const storedEvents = () => direct.getRepository(WebhookEvent).countBy({ tenantId: OrdersService.tenant });

  beforeAll(async () => {
    database = await createPostgresDatabase();
    proxy = await TcpProxy.start(Number(new URL(database.url).port || 5432), new URL(database.url).hostname);
    receiver = await TestReceiver.start();
    direct = new DataSource({ type: 'postgres', url: database.url, entities: [WebhookEvent] });
  });

  const initializeDirect = async () => {
    if (!direct.isInitialized) await direct.initialize();
  };

  afterEach(async () => {
    proxy.restore();
    await app?.close();
    app = undefined;
    receiver.requests.length = 0;
  });

  afterAll(async () => {
    await direct?.destroy();
    await receiver?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('keeps what sync and async methods and domain events published during the cut, and delivers all of it after', async () => {
    const running = await start();
    await initializeDirect();
    const orders = running.get(OrdersService);
    proxy.cut();
    for (let n = 0; n < 30; n++) expect(orders.placeSync(n)).toEqual({ n, via: 'sync' });
    for (let n = 0; n < 10; n++) await expect(orders.payAsync(n)).resolves.toEqual({ n, via: 'async' });
    for (let n = 0; n < 10; n++) running.get(EventEmitter2).emit('payment.verified', { n, tenantId: OrdersService.tenant });
    const health = await running.get(WebhooksHealthIndicator).isHealthy();
    expect(health.webhooks.status).toBe('down');
    expect(health.webhooks.publishBuffer).toMatchObject({ pending: 50, dropped: 0 });

    proxy.restore();
    await waitFor(async () => (await storedEvents()) === 50, { timeoutMs: 30_000, what: '50 events stored' });
    await receiver.waitForRequests(50, 30_000);
    expect(running.get(WebhooksService)).toBeDefined();
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size).toBe(50);
    await waitFor(async () => (await running.get(WebhooksHealthIndicator).isHealthy()).webhooks.publishBuffer.pending === 0, { what: 'the buffer to empty' });
  }, 90_000);

  it('when full, refuses new events, counts them and reports down; what it kept is stored', async () => {
    const running = await start({ publishBuffer: { maxEvents: 10 } });
    await initializeDirect();
    const orders = running.get(OrdersService);
    proxy.cut();
    for (let n = 0; n < 15; n++) orders.placeSync(n);
    const health = await running.get(WebhooksHealthIndicator).isHealthy();
    expect(health.webhooks.publishBuffer).toMatchObject({ pending: 10, capacity: 10, dropped: 5 });
    expect(health.webhooks.problems).toContain('publish buffer: full (10 events waiting to be stored), new events are refused');
    proxy.restore();
    await waitFor(async () => (await storedEvents()) === 10, { timeoutMs: 30_000, what: 'the 10 kept events stored' });
  }, 90_000);

  it('at shutdown, keeps trying what waits: the events are stored once the database answers', async () => {
    const running = await start({ publishBuffer: { drainTimeoutMs: 30_000 } });
    await initializeDirect();
    const orders = running.get(OrdersService);
    proxy.cut();
    for (let n = 0; n < 5; n++) orders.placeSync(n);
    await waitFor(async () => (await running.get(WebhooksHealthIndicator).isHealthy()).webhooks.publishBuffer.failingSince !== null, { what: 'a failed store' });
    const closing = running.close();
    app = undefined;
    proxy.restore();
    await closing;
    expect(await storedEvents()).toBe(5);
  }, 90_000);

  it('gives up on an event that cannot be stored, without holding back the others', async () => {
    const running = await start();
    await initializeDirect();
    const orders = running.get(OrdersService);
    await orders.unserialisable();
    await orders.poison();
    for (let n = 0; n < 20; n++) await orders.payAsync(n);
    await waitFor(async () => (await running.get(WebhooksHealthIndicator).isHealthy()).webhooks.publishBuffer.pending === 0, { what: 'the buffer to empty' });
    expect(await storedEvents()).toBe(20);
  }, 60_000);
});
