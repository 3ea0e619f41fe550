import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, WebhookDelivery, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { WebhooksProcess } from './support/processes';
import { TestReceiver, type ReceiverBehaviour } from './support/receiver';
import { createPostgresDatabase, TEST_REDIS_URL, uniqueName } from './support/services';
import { TcpProxy } from './support/tcp-proxy';
import { waitFor } from './support/wait-for';

const redisPort = Number(new URL(TEST_REDIS_URL).port || 6379);
const redisHost = new URL(TEST_REDIS_URL).hostname;

/** What a receiver saw, by `webhook-id`: how many arrived, twice or more, and at the same time. */
class DeliveryLedger {
  readonly countsByWebhookId = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  overlapping = 0;
  total = 0;

  /** Answers 200 after a short hold, so that two concurrent attempts would overlap here. */
  behaviour(holdMs = 5): ReceiverBehaviour {
    return (request, response) => {
      const webhookId = String(request.headers['webhook-id']);
      const deliveryId = String(request.headers['x-webhook-delivery']);
      this.total += 1;
      this.countsByWebhookId.set(webhookId, (this.countsByWebhookId.get(webhookId) ?? 0) + 1);
      if (this.inFlight.has(deliveryId)) this.overlapping += 1;
      this.inFlight.add(deliveryId);
      setTimeout(() => {
        this.inFlight.delete(deliveryId);
        response.writeHead(200).end('ok');
      }, holdMs);
      return 'handled';
    };
  }

  get unique(): number {
    return this.countsByWebhookId.size;
  }

  get duplicates(): number {
    return this.total - this.unique;
  }
}

describe('faults: Redis outage, killed workers, a publisher dying after commit (PostgreSQL, Redis)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;

  beforeAll(async () => {
    database = await createPostgresDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('every event published while Redis is cut off is delivered once Redis is back', async () => {
    const proxy = await TcpProxy.start(redisPort, redisHost);
    const receiver = await TestReceiver.start();
    const ledger = new DeliveryLedger();
    receiver.otherwise(ledger.behaviour(0));
    let app: INestApplication | undefined;
    try {
      app = await startFixtureApp({
        database: { type: 'postgres', url: database.url },
        webhooks: {
          redis: { host: '127.0.0.1', port: proxy.port, maxRetriesPerRequest: null },
          concurrency: 16,
          enqueueTimeoutMs: 200,
          reconcileIntervalMs: 250,
          reconcileGraceMs: 500,
        },
      });
      const tenantId = uniqueName('outage');
      await app.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], tenantId });
      const webhooks = app.get(WebhooksService);

      for (let i = 0; i < 300; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });
      proxy.cut();
      // Publishing goes on while the queue is unreachable: the events are safe in the database.
      for (let i = 300; i < 700; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });
      proxy.restore();
      for (let i = 700; i < 1000; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });

      await waitFor(() => ledger.unique === 1000, { timeoutMs: 150_000, what: '1,000 distinct webhooks at the receiver' });
      const dataSource = app.get(DataSource);
      await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ tenantId, status: DeliveryStatus.Succeeded })) === 1000, {
        what: 'every delivery recorded as succeeded',
      });
      process.stdout.write(`Redis outage: 1000 published, ${ledger.unique} delivered, ${ledger.duplicates} duplicates, ${1000 - ledger.unique} lost\n`);
      expect(ledger.unique).toBe(1000);
    } finally {
      await app?.close();
      await proxy.close();
      await receiver.close();
    }
  }, 240_000);

  it('three workers deliver 3,000 deliveries while one is killed and restarted, none attempted twice at once', async () => {
    const receiver = await TestReceiver.start();
    const ledger = new DeliveryLedger();
    receiver.otherwise(ledger.behaviour(5));
    const queuePrefix = uniqueName('crash');
    const workerOptions = {
      redis: TEST_REDIS_URL,
      queuePrefix,
      concurrency: 16,
      timeoutMs: 2_000,
      leaseMs: 1_000,
      reconcileIntervalMs: 500,
      reconcileGraceMs: 500,
      queueSettings: { lockDuration: 2_000, stalledInterval: 1_000 },
      outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8'] },
      eventTypes: ['invoice.paid'],
    };
    const start = () => WebhooksProcess.start({ mode: 'worker', databaseUrl: database.url, webhooks: workerOptions });
    const workers = [start(), start(), start()];
    let publisher: INestApplication | undefined;
    try {
      await Promise.all(workers.map((worker) => worker.waitForLine('ready')));
      publisher = await startFixtureApp({ database: { type: 'postgres', url: database.url }, webhooks: { queuePrefix, worker: false } });
      const tenantId = uniqueName('crash');
      for (let i = 0; i < 10; i++) await publisher.get(EndpointsService).create({ url: receiver.endpoint(`/hook-${i}`), eventTypes: ['*'], tenantId });
      const webhooks = publisher.get(WebhooksService);
      for (let i = 0; i < 300; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });

      await waitFor(() => ledger.total >= 600, { timeoutMs: 60_000, what: 'deliveries under way' });
      await workers[0].kill('SIGKILL');
      workers[0] = start();
      await workers[0].waitForLine('ready');

      const dataSource = publisher.get(DataSource);
      await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ tenantId, status: DeliveryStatus.Succeeded })) === 3000, {
        timeoutMs: 150_000,
        what: 'all 3,000 deliveries succeeded',
      });
      const delivered = await dataSource.getRepository(WebhookDelivery).countBy({ tenantId });
      process.stdout.write(`Worker crash: ${delivered} deliveries, ${ledger.total} requests received, ${ledger.total - 3000} duplicates, ${ledger.overlapping} overlapping attempts\n`);
      expect(delivered).toBe(3000);
      expect(ledger.overlapping).toBe(0);
      // 300 events, each to 10 endpoints: every webhook-id arrived at least 10 times.
      expect(ledger.unique).toBe(300);
      expect([...ledger.countsByWebhookId.values()].every((count) => count >= 10)).toBe(true);
    } finally {
      await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
      await publisher?.close();
      await receiver.close();
    }
  }, 240_000);

  it('deliveries committed by a process that dies before queueing them are sent by the reconciler', async () => {
    // Redis that accepts connections and never answers: the process commits, then hangs queueing.
    const held = new Set<Socket>();
    const blackhole: Server = createServer((socket: Socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const receiver = await TestReceiver.start();
    const queuePrefix = uniqueName('outbox');
    const tenantId = uniqueName('outbox');
    let app: INestApplication | undefined;
    try {
      const setup = await startFixtureApp({ database: { type: 'postgres', url: database.url }, webhooks: { queuePrefix, worker: false } });
      await setup.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], tenantId });
      await setup.close();

      const publisher = WebhooksProcess.start({
        mode: 'publish-in-transaction',
        databaseUrl: database.url,
        count: 5,
        tenantId,
        webhooks: {
          redis: { host: '127.0.0.1', port: (blackhole.address() as AddressInfo).port, maxRetriesPerRequest: null },
          queuePrefix,
          worker: false,
          enqueueTimeoutMs: 600_000,
          outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8'] },
        },
      });
      await publisher.waitForLine('committed');
      await publisher.kill('SIGKILL');

      app = await startFixtureApp({
        database: { type: 'postgres', url: database.url },
        webhooks: { queuePrefix, reconcileIntervalMs: 200, reconcileGraceMs: 0 },
      });
      const dataSource = app.get(DataSource);
      expect(await dataSource.getRepository(WebhookDelivery).countBy({ tenantId })).toBe(5);
      await receiver.waitForRequests(5);
      await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ tenantId, status: DeliveryStatus.Succeeded })) === 5);
    } finally {
      await app?.close();
      await receiver.close();
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => blackhole.close(() => resolve()));
    }
  }, 120_000);
});
