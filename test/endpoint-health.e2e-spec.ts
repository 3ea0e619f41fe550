import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DeliveryReconciler, WebhookNotifications, type EndpointFailingNotification, DeliveryStatus, EndpointsService, EndpointStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { hang, respond, TestReceiver } from './support/receiver';
import { postgresWithBull, type TestBackend } from './support/backends';
import { uniqueName } from './support/services';
import { waitFor } from './support/wait-for';

describe('endpoint health: circuit breaker, rate limit, auto-disable (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let webhooks: WebhooksService;
  let endpoints: EndpointsService;
  let dataSource: DataSource;
  let healthy: TestReceiver;
  let dead: TestReceiver;
  let tenantId: string;
  let counter = 0;
  const queuePrefix = uniqueName('whhealth');
  const options = {
    queuePrefix,
    concurrency: 4,
    timeoutMs: 300,
    retry: { delaysMs: [0, 20, 20, 20, 20, 20, 20, 20, 20, 20] },
    circuitBreaker: { failureThreshold: 2, cooldownMs: 60_000, maxCooldownMs: 60_000 },
    autoDisable: { afterFailures: 3, minFailingMs: 60 * 60_000 },
    reconcileGraceMs: 0,
  };

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startFixtureApp({ database: backend.database, webhooks: options });
    webhooks = app.get(WebhooksService);
    endpoints = app.get(EndpointsService);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    healthy = await TestReceiver.start();
    dead = await TestReceiver.start();
    tenantId = `tenant-${++counter}`;
  });

  afterEach(async () => {
    await healthy.close();
    await dead.close();
  });

  const attemptsTo = async (endpointId: string) =>
    dataSource
      .getRepository(WebhookAttempt)
      .createQueryBuilder('attempt')
      .innerJoin(WebhookDelivery, 'delivery', 'delivery.id = attempt.deliveryId')
      .where('delivery.endpointId = :endpointId', { endpointId })
      .getCount();
  const deliveriesTo = (endpointId: string) => dataSource.getRepository(WebhookDelivery).findBy({ endpointId });

  it('an open circuit postpones a hanging endpoint without spending attempts, and healthy deliveries flow', async () => {
    dead.otherwise(hang);
    const hanging = await endpoints.create({ url: dead.endpoint(), eventTypes: ['*'], tenantId });
    const fine = await endpoints.create({ url: healthy.endpoint(), eventTypes: ['*'], tenantId });
    for (let i = 0; i < 30; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });

    await waitFor(async () => (await deliveriesTo(fine.id)).every((d) => d.status === DeliveryStatus.Succeeded), { what: 'healthy deliveries' });
    await waitFor(async () => (await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: hanging.id })).circuitOpenUntil !== null, {
      what: 'the circuit to open',
    });
    // Every delivery to it ends up parked behind the open circuit (cooldown: one minute).
    await waitFor(
      async () => (await deliveriesTo(hanging.id)).every((d) => d.status === DeliveryStatus.Retrying && d.nextAttemptAt!.getTime() > Date.now() + 30_000),
      { what: 'hanging deliveries to wait behind the circuit' },
    );

    // Once open, no new attempt starts: at most the threshold plus those already in flight.
    const attempts = await attemptsTo(hanging.id);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(2 + options.concurrency);
    const waiting = await deliveriesTo(hanging.id);
    expect(waiting.reduce((sum, d) => sum + d.attemptCount, 0)).toBe(attempts);
    expect(healthy.requests).toHaveLength(30);
  });

  it('a successful probe closes the circuit and the postponed deliveries go out', async () => {
    const endpoint = await endpoints.create({ url: healthy.endpoint(), eventTypes: ['*'], tenantId });
    healthy.script(respond(500), respond(500));
    await webhooks.publish('invoice.paid', { first: true }, { tenantId });
    await waitFor(async () => (await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id })).circuitOpenUntil !== null);
    for (let i = 0; i < 5; i++) await webhooks.publish('invoice.paid', { i }, { tenantId });
    await waitFor(
      async () => (await deliveriesTo(endpoint.id)).every((d) => d.status === DeliveryStatus.Retrying && d.nextAttemptAt!.getTime() > Date.now() + 30_000),
      { what: 'every delivery to wait behind the circuit' },
    );
    expect(healthy.requests).toHaveLength(2);
    // Let the cooldown end now instead of waiting a minute.
    await dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { circuitOpenUntil: new Date(Date.now() - 1) });
    await dataSource.getRepository(WebhookDelivery).update({ endpointId: endpoint.id, status: DeliveryStatus.Retrying }, { nextAttemptAt: new Date() });
    const reconciled = await app.get(DeliveryReconciler).reconcileOnce();
    expect(reconciled).toBeGreaterThan(0);
    await waitFor(async () => (await deliveriesTo(endpoint.id)).every((d) => d.status === DeliveryStatus.Succeeded), { what: 'all delivered' });
    const after = await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id });
    expect(after).toMatchObject({ circuitOpenUntil: null, consecutiveFailures: 0, failingSince: null });
  });

  it('disables an endpoint only after the streak and the minimum failing time', async () => {
    dead.otherwise(respond(500));
    const endpoint = await endpoints.create({ url: dead.endpoint(), eventTypes: ['*'], tenantId });
    await dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { consecutiveFailures: 5 });
    // Failing for a long streak but only just now: stays active.
    await webhooks.publish('invoice.paid', {}, { tenantId });
    await dead.waitForRequests(1);
    // The breaker trips after the auto-disable rule was applied to this failure.
    await waitFor(async () => (await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id })).circuitOpenUntil !== null);
    expect((await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id })).consecutiveFailures).toBe(6);
    expect((await endpoints.get(endpoint.id, { tenantId })).status).toBe(EndpointStatus.Active);

    // Failing for longer than the minimum: the next failure disables it.
    await dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, { failingSince: new Date(Date.now() - 2 * 60 * 60_000), circuitOpenUntil: null });
    await dataSource.getRepository(WebhookDelivery).update({ endpointId: endpoint.id }, { nextAttemptAt: new Date() });
    await app.get(DeliveryReconciler).reconcileOnce();
    await waitFor(async () => (await endpoints.get(endpoint.id, { tenantId })).status === EndpointStatus.Disabled, { what: 'auto-disable' });
    expect((await endpoints.get(endpoint.id, { tenantId })).disabledReason).toMatch(/failed \d+ times in a row/);
  });
});

describe('rate limit shared by two workers (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let apps: INestApplication[] = [];
  let receiver: TestReceiver;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    const queuePrefix = uniqueName('whrate');
    // Two processes' worth of workers on one Redis queue and one database.
    apps = [
      await startFixtureApp({ database: backend.database, webhooks: { queuePrefix, concurrency: 8 } }),
      await startFixtureApp({ database: backend.database, webhooks: { queuePrefix, concurrency: 8 } }),
    ];
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('never exceeds N requests in any one-second window, and delivers everything', async () => {
    const limit = 5;
    const endpoint = await apps[0].get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'], rateLimitPerSecond: limit });
    const total = 18;
    for (let i = 0; i < total; i++) await apps[i % 2].get(WebhooksService).publish('invoice.paid', { i });
    const requests = await receiver.waitForRequests(total, 30_000);
    const times = requests.map((r) => r.receivedAt).sort((a, b) => a - b);
    for (let i = 0; i + limit < times.length; i++) {
      expect(times[i + limit] - times[i]).toBeGreaterThanOrEqual(1000);
    }
    const dataSource = apps[0].get(DataSource);
    await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ endpointId: endpoint.id, status: DeliveryStatus.Succeeded })) === total);
    // Waiting for the window spends no attempt.
    const attempts = await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: In((await dataSource.getRepository(WebhookDelivery).findBy({ endpointId: endpoint.id })).map((d) => d.id)) });
    expect(attempts).toBe(total);
  });
});

describe('a slow endpoint holds at most endpointConcurrency slots (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let healthy: TestReceiver;
  let silent: TestReceiver;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    healthy = await TestReceiver.start();
    silent = (await TestReceiver.start()).otherwise(hang);
    // No circuit breaker: only the slot cap keeps the workers free. The silent endpoint's
    // requests outlast the test (its timeout is long), so nothing here races a timer.
    app = await startFixtureApp({
      database: backend.database,
      webhooks: { queuePrefix: uniqueName('whslots'), concurrency: 4, endpointConcurrency: 2, timeoutMs: 60_000, circuitBreaker: false },
    });
  });

  afterAll(async () => {
    await silent?.close();
    await app?.close();
    await healthy?.close();
    await backend?.drop();
  });

  it('healthy deliveries flow while a silent endpoint holds two requests, and its other deliveries wait unattempted', async () => {
    const endpoints = app.get(EndpointsService);
    const dataSource = app.get(DataSource);
    const stuck = await endpoints.create({ url: silent.endpoint(), eventTypes: ['*'] });
    const fine = await endpoints.create({ url: healthy.endpoint(), eventTypes: ['*'] });
    const total = 12;
    for (let i = 0; i < total; i++) await app.get(WebhooksService).publish('invoice.paid', { i });

    // With 4 slots and no cap, the silent endpoint's hanging requests would hold all of them.
    await healthy.waitForRequests(total, 30_000);
    const toStuck = await dataSource.getRepository(WebhookDelivery).findBy({ endpointId: stuck.id });
    await waitFor(
      async () => (await dataSource.getRepository(WebhookDelivery).countBy({ endpointId: stuck.id, status: DeliveryStatus.Retrying })) === total - 2,
      { what: 'the deliveries past the cap to be postponed' },
    );
    expect(silent.requests).toHaveLength(2);
    expect(toStuck).toHaveLength(total);
    const postponed = await dataSource.getRepository(WebhookDelivery).findBy({ endpointId: stuck.id, status: DeliveryStatus.Retrying });
    expect(postponed.every((delivery) => delivery.attemptCount === 0)).toBe(true);
    expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: In(toStuck.map((delivery) => delivery.id)) })).toBe(0);
    await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ endpointId: fine.id, status: DeliveryStatus.Succeeded })) === total, {
      what: 'the healthy deliveries to be recorded as succeeded',
    });
  });
});

describe('failure streak under concurrent failures (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  const notifications: EndpointFailingNotification[] = [];

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = (await TestReceiver.start()).otherwise(respond(503));
    // No breaker and one attempt each: every delivery fails once, many at the same moment.
    app = await startFixtureApp({
      database: backend.database,
      webhooks: { queuePrefix: uniqueName('whstreak'), concurrency: 8, circuitBreaker: false, retry: { delaysMs: [0] } },
    });
    app.get(EventEmitter2).on(WebhookNotifications.endpointFailing, (payload: EndpointFailingNotification) => notifications.push(payload));
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('tells the host of 3, 5 and 10 failures in a row exactly once each', async () => {
    const endpoint = await app.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['*'] });
    const total = 12;
    await Promise.all(Array.from({ length: total }, (_, i) => app.get(WebhooksService).publish('invoice.paid', { i })));
    const dataSource = app.get(DataSource);
    await waitFor(async () => (await dataSource.getRepository(WebhookDelivery).countBy({ endpointId: endpoint.id, status: DeliveryStatus.Failed })) === total, {
      what: 'every delivery to fail',
    });
    await waitFor(async () => (await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id })).consecutiveFailures === total);
    await waitFor(() => notifications.length >= 3, { what: 'the three notifications' });
    expect(notifications.map((notification) => notification.consecutiveFailures).sort((a, b) => a - b)).toEqual([3, 5, 10]);
  });
});
