import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule } from '@nestjs/event-emitter';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import {
  DeliveryStatus,
  EmitsWebhook,
  EndpointsService,
  EndpointStatus,
  WEBHOOK_MIGRATIONS,
  WebhookAttempt,
  WebhookDelivery,
  WebhookNotifications,
  WebhooksModule,
  WebhooksService,
  type WebhookEndpoint,
  type WebhooksModuleOptions,
} from 'nestjs-webhooks';
import { verifyWebhook } from 'nestjs-webhooks/receiver';
import { WebhooksTesting, WebhooksTestingModule } from 'nestjs-webhooks/testing';
import { postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';

// The testing kit on the real pipeline, on SQLite and PostgreSQL: what it records is what the
// delivery worker signed, the answers it scripts drive the real retry, circuit breaker,
// disabling and dead-letter rules, and `advance` + `drain` run the schedule without waiting.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const NO_DELIVERIES = { succeeded: 0, failed: 0, cancelled: 0, waiting: 0 };

@Injectable()
class PaymentsService {
  @EmitsWebhook('payment.verified', { data: (id: string) => ({ id }), tenant: () => 'acme' })
  verify(id: string): string {
    return id;
  }
}

@Module({ providers: [PaymentsService] })
class PaymentsModule {}

/** Options a host would give WebhooksModule; the kit must make them safe for tests on its own. */
const HOST_OPTIONS: WebhooksModuleOptions = {
  redis: 'redis://127.0.0.1:1',
  retry: { delaysMs: [0, MINUTE, 10 * MINUTE] },
  retryJitter: 0.5,
  eventTypes: ['payment.verified', 'invoice.paid'],
};

describe.each([
  ['SQLite', sqliteEmbedded],
  ['PostgreSQL', postgresWithBull],
])('the testing kit on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let moduleRef: TestingModule;
  let kit: WebhooksTesting;
  let dataSource: DataSource;
  let notifications: string[];

  async function start(options: WebhooksModuleOptions = {}): Promise<void> {
    moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...backend.database, autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS, logging: false }),
        EventEmitterModule.forRoot(),
        WebhooksTestingModule.forRoot({ ...HOST_OPTIONS, runMigrations: true, ...options }),
        PaymentsModule,
      ],
    }).compile();
    moduleRef.useLogger(['error']);
    await moduleRef.init();
    kit = moduleRef.get(WebhooksTesting);
    dataSource = moduleRef.get(getDataSourceToken());
    notifications = [];
    moduleRef.get(EventEmitter2).onAny((name) => notifications.push(String(name)));
  }

  const endpoint = (url = 'https://acme.example/hooks', eventTypes = ['*']): Promise<WebhookEndpoint> =>
    moduleRef.get(EndpointsService).create({ tenantId: 'acme', url, eventTypes });
  const publish = (type = 'payment.verified', data: object = { id: 'p-1' }) => moduleRef.get(WebhooksService).publish(type, data, { tenantId: 'acme' });
  const deliveryOf = (id: string) => dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id });

  beforeEach(async () => {
    backend = await backendFactory.create();
  });

  afterEach(async () => {
    await moduleRef?.close();
    await backend.drop();
  });

  it('records each request as the worker signed it: standardwebhooks and verifyWebhook accept it', async () => {
    await start();
    const hooks = await endpoint();
    const other = await endpoint('http://10.0.0.7/internal', ['invoice.paid']);
    const { eventId } = await publish('payment.verified', { id: 'p-1', amount: 100 });
    await publish('invoice.paid', { id: 'i-1' });

    const { sent } = await kit.drain();

    expect(sent.map((webhook) => `${webhook.type} to ${webhook.endpointId}`).sort()).toEqual(
      [`invoice.paid to ${hooks.id}`, `invoice.paid to ${other.id}`, `payment.verified to ${hooks.id}`].sort(),
    );
    const payment = sent.find((webhook) => webhook.type === 'payment.verified')!;
    expect(payment).toMatchObject({ eventId, data: { id: 'p-1', amount: 100 }, tenantId: 'acme', url: hooks.url, attempt: 1, status: 200, error: null });
    expect(payment.headers).toMatchObject({ 'webhook-id': eventId, 'x-webhook-event': 'payment.verified', 'x-webhook-delivery': payment.deliveryId });
    expect(new Webhook(hooks.secret).verify(payment.body, payment.headers)).toEqual({ id: eventId, type: 'payment.verified', timestamp: expect.any(String), data: { id: 'p-1', amount: 100 } });
    expect(verifyWebhook(payment.body, payment.headers, hooks.secret).id).toBe(eventId);
    expect(() => new Webhook(other.secret).verify(payment.body, payment.headers)).toThrow();
    expect(kit.sent({ endpoint: other.url })).toEqual(sent.filter((webhook) => webhook.endpointId === other.id));
    expect(kit.sent({ type: 'payment.verified', endpoint: hooks.id })).toEqual([payment]);
  });

  it('starts without the Redis the host options name, and takes a URL no DNS resolves', async () => {
    await start();
    await endpoint('https://unresolvable.invalid/hooks');
    await publish();
    const { sent } = await kit.drain();
    expect((await deliveryOf(sent[0].deliveryId)).status).toBe(DeliveryStatus.Succeeded);
  });

  it('waits for the events of synchronous decorated methods before it drains', async () => {
    await start();
    await endpoint();
    const payments = moduleRef.get(PaymentsService);
    for (let i = 0; i < 20; i++) payments.verify(`p-${i}`);

    const summary = await kit.drain();

    expect(summary.deliveries).toEqual({ ...NO_DELIVERIES, succeeded: 20 });
    expect(new Set(summary.sent.map((webhook) => (webhook.data as { id: string }).id)).size).toBe(20);
  });

  it('sends the host’s domain events it listens to', async () => {
    await start({ listenTo: ['order.*'] });
    await endpoint();
    moduleRef.get(EventEmitter2).emit('order.created', { id: 'o-1', tenantId: 'acme' });

    const { sent } = await kit.drain();

    expect(sent.map((webhook) => [webhook.type, webhook.data])).toEqual([['order.created', { id: 'o-1', tenantId: 'acme' }]]);
  });

  it('retries a 500 once advance brings the retry due, and not before', async () => {
    await start();
    const hooks = await endpoint();
    kit.respondWith(hooks.id, [500, 200]);
    await publish();

    const first = await kit.drain();
    expect(first.deliveries).toEqual({ ...NO_DELIVERIES, waiting: 1 });
    expect(first.nextDueInMs).toBeGreaterThan(MINUTE - 5 * SECOND);
    expect(first.nextDueInMs).toBeLessThanOrEqual(MINUTE);

    await kit.advance(MINUTE - 5 * SECOND);
    expect((await kit.drain()).sent).toEqual([]);
    await kit.advance(5 * SECOND);
    const second = await kit.drain();

    expect(second.deliveries).toEqual({ ...NO_DELIVERIES, succeeded: 1 });
    expect(kit.sent().map((webhook) => [webhook.attempt, webhook.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    const attempts = await dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: second.sent[0].deliveryId }, order: { number: 'ASC' } });
    expect(attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 200]);
  });

  it('honours the Retry-After of a scripted 429', async () => {
    await start();
    const hooks = await endpoint();
    kit.respondWith(hooks.url, [{ status: 429, headers: { 'Retry-After': '300' }, body: 'slow down' }, 200]);
    await publish();

    const summary = await kit.drain();

    expect(summary.nextDueInMs).toBeGreaterThan(290 * SECOND);
    const [attempt] = await dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId: summary.sent[0].deliveryId } });
    expect(attempt).toMatchObject({ responseStatus: 429, responseHeaders: { 'retry-after': '300' }, responseBody: 'slow down' });
  });

  it('disables the endpoint that answers 410, and sends it nothing more', async () => {
    await start();
    const hooks = await endpoint();
    kit.respondWith(hooks.id, 410);
    await publish();

    expect((await kit.drain()).deliveries).toEqual({ ...NO_DELIVERIES, failed: 1 });
    expect(await moduleRef.get(EndpointsService).get(hooks.id, { tenantId: 'acme' })).toMatchObject({ status: EndpointStatus.Disabled, disabledReason: expect.stringContaining('410') });
    expect(notifications).toContain(WebhookNotifications.endpointDisabled);

    await publish();
    await kit.drain();
    expect(kit.sent()).toHaveLength(1);
  });

  it('records a timeout as the HTTP client would, and retries it', async () => {
    await start({ timeoutMs: 2_500 });
    const hooks = await endpoint();
    kit.respondWith(hooks.id, { error: 'timeout' });
    await publish();

    const { sent, deliveries } = await kit.drain();

    expect(sent[0]).toMatchObject({ status: null, error: 'timeout after 2500 ms' });
    expect(deliveries).toEqual({ ...NO_DELIVERIES, waiting: 1 });
    expect(await deliveryOf(sent[0].deliveryId)).toMatchObject({ status: DeliveryStatus.Retrying, lastError: 'timeout after 2500 ms', lastStatusCode: null });
  });

  it('gives scripted failures the classes a retryOn rule names: timeouts final, connection failures retried', async () => {
    await start({ retryOn: ['5xx', 'network'] });
    const slow = await endpoint('https://slow.example/hooks');
    const down = await endpoint('https://down.example/hooks');
    kit.respondWith(slow.id, { error: 'timeout' });
    kit.respondWith(down.id, { error: 'connection-refused' });
    await publish();

    const { sent } = await kit.drain();

    const statusOf = async (endpointId: string) => (await deliveryOf(sent.find((webhook) => webhook.endpointId === endpointId)!.deliveryId)).status;
    expect(await statusOf(slow.id)).toBe(DeliveryStatus.Failed);
    expect(await statusOf(down.id)).toBe(DeliveryStatus.Retrying);
  });

  it('dead-letters a delivery once the schedule is used up', async () => {
    await start();
    const hooks = await endpoint();
    kit.respondWith(hooks.id, 503);
    await publish();

    let summary = await kit.drain();
    while (summary.nextDueInMs !== null) {
      await kit.advance(summary.nextDueInMs);
      summary = await kit.drain();
    }

    expect(kit.sent().map((webhook) => webhook.attempt)).toEqual([1, 2, 3]);
    expect(summary.deliveries).toEqual({ ...NO_DELIVERIES, failed: 1 });
    expect(await deliveryOf(summary.sent[0].deliveryId)).toMatchObject({ status: DeliveryStatus.Failed, attemptCount: 3, lastStatusCode: 503 });
    expect(notifications).toContain(WebhookNotifications.deliveryDeadLettered);
  });

  it('holds deliveries behind an open circuit without spending attempts, and releases them when the probe succeeds', async () => {
    await start({ circuitBreaker: { failureThreshold: 2, cooldownMs: 30 * SECOND } });
    const hooks = await endpoint();
    kit.respondWith(hooks.id, [500, 500, 200]);
    for (const id of ['p-1', 'p-2', 'p-3']) await publish('payment.verified', { id });

    const opened = await kit.drain();
    expect(opened.sent.map((webhook) => webhook.status)).toEqual([500, 500]);
    expect(opened.deliveries).toEqual({ ...NO_DELIVERIES, waiting: 3 });
    expect(opened.nextDueInMs).toBeLessThanOrEqual(30 * SECOND);

    await kit.advance(30 * SECOND);
    const closed = await kit.drain();

    // The probe succeeded and closed the circuit: the two waiting retries went at once.
    const [probe, ...released] = closed.sent.map((webhook) => `${(webhook.data as { id: string }).id} attempt ${webhook.attempt}: ${webhook.status}`);
    expect(probe).toBe('p-3 attempt 1: 200');
    expect(released.sort()).toEqual(['p-1 attempt 2: 200', 'p-2 attempt 2: 200']);
    expect(closed.deliveries).toEqual({ ...NO_DELIVERIES, succeeded: 3 });
  });

  it('keeps the last answer of a sequence, and reset() goes back to 200 for all', async () => {
    await start({ retry: { delaysMs: [0, 0, 0, 0] } });
    const hooks = await endpoint();
    kit.respondWith(hooks.id, [{ error: 'connection-refused' }, 502]);
    await publish();

    const summary = await kit.drain();
    expect(summary.sent.map((webhook) => webhook.status ?? webhook.error)).toEqual(['ECONNREFUSED: connect ECONNREFUSED acme.example:443', 502, 502, 502]);

    kit.reset();
    expect(kit.sent()).toEqual([]);
    await publish();
    expect((await kit.drain()).sent.map((webhook) => webhook.status)).toEqual([200]);
  });

  it('sends nothing, and changes nothing, when the module is disabled', async () => {
    await start({ enabled: false });
    expect(moduleRef.get(PaymentsService).verify('p-1')).toBe('p-1');
    expect(await kit.drain()).toEqual({ sent: [], deliveries: NO_DELIVERIES, nextDueInMs: null });
  });

  it('refuses to move time backwards', async () => {
    await start();
    await expect(kit.advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('WebhooksTestingModule in place of the app’s own WebhooksModule', () => {
  let backend: TestBackend;

  afterEach(() => backend.drop());

  it('replaces it through overrideModule when the app keeps its WebhooksModule in a constant', async () => {
    backend = await sqliteEmbedded.create();
    const webhooks = WebhooksModule.forRoot(HOST_OPTIONS);
    @Module({ imports: [TypeOrmModule.forRoot({ ...backend.database, autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true }), webhooks, PaymentsModule] })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).overrideModule(webhooks).useModule(WebhooksTestingModule.forRoot(HOST_OPTIONS)).compile();
    await moduleRef.init();
    try {
      await moduleRef.get(EndpointsService).create({ tenantId: 'acme', url: 'https://acme.example/hooks', eventTypes: ['*'] });
      moduleRef.get(PaymentsService).verify('p-1');
      const kit = moduleRef.get(WebhooksTesting);
      expect((await kit.drain()).sent.map((webhook) => webhook.data)).toEqual([{ id: 'p-1' }]);
    } finally {
      await moduleRef.close();
    }
  });
});
