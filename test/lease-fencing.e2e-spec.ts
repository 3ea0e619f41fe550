import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, WebhookAttempt, WebhookDelivery, WebhooksMetrics, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase, uniqueName } from './support/services';
import { waitFor } from './support/wait-for';

// Leases: a live worker keeps renewing the lease of a slow attempt, so no other worker takes the
// delivery; a worker whose lease passed to another (it was presumed dead) writes nothing.

describe('delivery leases (PostgreSQL, two embedded workers polling one database)', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let receiver: TestReceiver;
  let apps: INestApplication[] = [];
  let held: ServerResponse[] = [];

  const start = () =>
    startFixtureApp({ database: { type: 'postgres', url: database.url }, withoutRedis: true, webhooks: { leaseMs: 400, pollIntervalMs: 50, timeoutMs: 5_000, metrics: {} } }).then((app) => {
      apps.push(app);
      return app;
    });

  beforeAll(async () => {
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    receiver.otherwise((_request, response) => {
      held.push(response);
      return 'handled';
    });
  });

  afterEach(async () => {
    for (const response of held.splice(0)) response.writeHead(200).end('ok');
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    receiver.requests.length = 0;
  });

  afterAll(async () => {
    await receiver?.close();
    await database?.drop();
  });

  it('renews the lease of an attempt that outlasts it: the other worker never takes the delivery', async () => {
    const [first] = [await start(), await start()];
    const tenantId = uniqueName('renew');
    await first.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], tenantId });
    const eventId = (await first.get(WebhooksService).publish('invoice.paid', { n: 1 }, { tenantId })).eventId!;
    await receiver.waitForRequests(1);
    const deliveries = first.get(DataSource).getRepository(WebhookDelivery);
    // Five leases' worth of waiting: without renewal the other worker would have sent it again.
    const leaseEnds = new Set<number>();
    await waitFor(async () => {
      const row = await deliveries.findOneByOrFail({ eventId });
      leaseEnds.add(row.nextAttemptAt!.getTime());
      return leaseEnds.size >= 5;
    }, { what: 'the lease to be renewed five times' });
    expect(receiver.requests).toHaveLength(1);
    held.shift()!.writeHead(200).end('ok');
    await waitFor(async () => (await deliveries.findOneByOrFail({ eventId })).status === DeliveryStatus.Succeeded, { what: 'the delivery to succeed' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('a worker whose lease another took over records nothing, and counts it', async () => {
    const app = await start();
    const tenantId = uniqueName('fenced');
    await app.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], tenantId });
    const eventId = (await app.get(WebhooksService).publish('invoice.paid', { n: 2 }, { tenantId })).eventId!;
    await receiver.waitForRequests(1);
    const dataSource = app.get(DataSource);
    // What another worker's claim writes, once it presumed this one dead.
    const taken = { leaseToken: 'another-workers-claim', nextAttemptAt: new Date(Date.now() + 60_000) };
    await dataSource.getRepository(WebhookDelivery).update({ eventId }, taken);
    held.shift()!.writeHead(200).end('ok');
    const metrics = app.get(WebhooksMetrics);
    await waitFor(async () => /^webhooks_stale_writes_total 1$/m.test(await metrics.metrics()), { what: 'the stale write to be counted' });
    const row = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId });
    expect(row).toMatchObject({ status: DeliveryStatus.Delivering, attemptCount: 0, ...taken });
    expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: row.id })).toBe(0);
  });
});
