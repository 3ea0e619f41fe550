import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryReconciler, DeliveryStatus, EndpointsService, WebhookDelivery, WebhooksService, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { postgresWithBull, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';
import { OwnRedisCluster, OwnRedisSentinel } from './support/own-redis-topologies';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// Past one Redis server: the queue on a three-master Redis Cluster (the key prefix becomes a
// hash tag, so Bull's scripts find every key in one slot) and behind a Sentinel, each of the
// test's own. Deliveries, a retry through Bull's delayed set, and the reconciler's job lookup
// run on each.

interface Topology {
  redis: WebhooksModuleOptions['redis'];
  keysWritten(): number;
  stop(): Promise<void>;
}

const TOPOLOGIES: Array<[string, () => Promise<Topology>]> = [
  [
    'a Redis Cluster of three masters',
    async () => {
      const cluster = await OwnRedisCluster.start();
      return { redis: { cluster: { nodes: cluster.nodes } }, keysWritten: () => cluster.keyCounts().reduce((a, b) => a + b, 0), stop: () => cluster.stop() };
    },
  ],
  [
    'Redis behind a Sentinel',
    async () => {
      const sentinel = await OwnRedisSentinel.start();
      return { redis: { sentinels: [{ host: '127.0.0.1', port: sentinel.sentinelPort }], name: sentinel.name }, keysWritten: () => sentinel.keyCount(), stop: () => sentinel.stop() };
    },
  ],
];

describe.each(TOPOLOGIES)('the queue on %s', (_label, startTopology) => {
  let topology: Topology;
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let dataSource: DataSource;

  beforeAll(async () => {
    topology = await startTopology();
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    app = await startFixtureApp({ database: backend.database, webhooks: { redis: topology.redis, queuePrefix: 'webhooks', retry: { delaysMs: [0, 100] } } });
    dataSource = app.get(DataSource);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
    await topology?.stop();
  });

  const statuses = async (eventIds: string[]) => (await Promise.all(eventIds.map((eventId) => dataSource.getRepository(WebhookDelivery).findBy({ eventId })))).flat().map((d) => d.status);

  it('delivers every event to every endpoint, a retry included, through Bull on it', async () => {
    receiver.script(respond(503));
    for (const path of ['/a', '/b']) await app.get(EndpointsService).create({ url: receiver.endpoint(path), eventTypes: ['invoice.paid'] });
    const eventIds: string[] = [];
    for (let n = 0; n < 20; n += 1) eventIds.push((await app.get(WebhooksService).publish('invoice.paid', { n })).eventId!);

    await waitFor(async () => (await statuses(eventIds)).filter((status) => status === DeliveryStatus.Succeeded).length === 40, { what: '40 deliveries succeeded' });

    expect(receiver.requests).toHaveLength(41);
    expect(topology.keysWritten()).toBeGreaterThan(0);
  });

  it('lets the reconciler look its jobs up and queue again what Redis lost', async () => {
    await app.get(EndpointsService).create({ url: receiver.endpoint('/reconciled'), eventTypes: ['invoice.created'] });
    // A due delivery Bull never heard of: written as publish would, its job left out.
    const { eventId } = await app.get(WebhooksService).publish('invoice.created', { lost: true });
    const delivery = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId: eventId! });
    await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id: delivery.id })).status === DeliveryStatus.Succeeded, { what: 'the first send' });
    await dataSource.getRepository(WebhookDelivery).update(delivery.id, { status: DeliveryStatus.Pending, nextAttemptAt: new Date(Date.now() - 60_000) });

    const requeued = await app.get(DeliveryReconciler).reconcileOnce();

    expect(requeued).toBeGreaterThanOrEqual(1);
    await waitFor(async () => receiver.requests.filter((request) => request.path === '/reconciled').length === 2, { what: 'the reconciled delivery sent again' });
  });
});
