import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Injectable, Post, Body, type INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { EmitsWebhook, EndpointsService, WebhookDelivery, WebhookEvent, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { TestReceiver } from './support/receiver';
import { BACKEND_ROWS, postgresWithBull, type TestBackend } from './support/backends';
import { waitFor } from './support/wait-for';

@Injectable()
class PaymentsService {
  @EmitsWebhook('payment.verified', { data: (payment) => payment, tenant: (payment: { tenant: string }) => payment.tenant })
  verify(id: string, tenant: string) {
    return { id, tenant, status: 'verified' };
  }

  @EmitsWebhook('payment.refunded', { tenant: (_result, [, tenant]: [string, string]) => tenant })
  async refund(id: string, tenant: string) {
    await Promise.resolve();
    return { id, refunded: true };
  }

  @EmitsWebhook('payment.refunded')
  async failingRefund(): Promise<never> {
    throw new Error('card network down');
  }

  /** The data is far above the payload limit: recording fails, the method must not. */
  @EmitsWebhook('payment.verified', { data: () => ({ blob: 'x'.repeat(300 * 1024) }) })
  async oversized() {
    return 'still fine';
  }

  /** Calls a decorated method through `this`. */
  verifyInternally(id: string, tenant: string) {
    return this.verify(id, tenant);
  }
}

@Controller('invoices')
class InvoicesController {
  @Post()
  @EmitsWebhook('invoice.created', { tenant: (invoice: { tenant: string }) => invoice.tenant })
  async create(@Body() body: { tenant: string; amount: number }) {
    return { id: 'inv_1', ...body };
  }
}

describe.each(BACKEND_ROWS)('publishing on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;
  let endpoints: EndpointsService;
  let dataSource: DataSource;
  let payments: PaymentsService;
  let tenantId: string;
  let counter = 0;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      providers: [PaymentsService],
      controllers: [InvoicesController],
      webhooks: { listenTo: ['payment.*', 'invoice.created'], pollIntervalMs: 100 },
    });
    await app.listen(0, '127.0.0.1');
    webhooks = app.get(WebhooksService);
    endpoints = app.get(EndpointsService);
    dataSource = app.get(DataSource);
    payments = app.get(PaymentsService);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
    tenantId = `tenant-${++counter}`;
  });

  afterEach(() => receiver.close());

  const eventsOf = (tenant: string) => dataSource.getRepository(WebhookEvent).find({ where: { tenantId: tenant }, order: { createdAt: 'ASC' } });
  const subscribe = (eventTypes: string[], path = '/hook', tenant = tenantId) =>
    endpoints.create({ url: receiver.endpoint(path), eventTypes, tenantId: tenant });
  const receivedTypes = () => receiver.requests.map((r) => JSON.parse(r.body).type as string);

  it('publishes after a decorated synchronous provider method returns, with mapped data and tenant', async () => {
    await subscribe(['payment.verified']);
    const result = payments.verify('pay_1', tenantId);
    expect(result).toEqual({ id: 'pay_1', tenant: tenantId, status: 'verified' });
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'payment.verified', data: { id: 'pay_1', status: 'verified' } });
  });

  it('publishes after an async method resolves, and on internal this.method() calls', async () => {
    await subscribe(['payment.*']);
    await expect(payments.refund('pay_2', tenantId)).resolves.toEqual({ id: 'pay_2', refunded: true });
    // The event is recorded before the decorated promise resolves.
    expect(await eventsOf(tenantId)).toHaveLength(1);
    payments.verifyInternally('pay_3', tenantId);
    await receiver.waitForRequests(2);
    expect(receivedTypes().sort()).toEqual(['payment.refunded', 'payment.verified']);
  });

  it('publishes from a decorated controller route', async () => {
    await subscribe(['invoice.created']);
    const response = await fetch(`${await app.getUrl()}/invoices`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: tenantId, amount: 10 }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ id: 'inv_1', tenant: tenantId, amount: 10 });
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'invoice.created', data: { id: 'inv_1', amount: 10 } });
  });

  it('publishes nothing when the method throws, and the error reaches the caller unchanged', async () => {
    const before = await dataSource.getRepository(WebhookEvent).count();
    await expect(payments.failingRefund()).rejects.toThrow('card network down');
    expect(await dataSource.getRepository(WebhookEvent).count()).toBe(before);
  });

  it('a failure to record does not change the method result', async () => {
    const before = await dataSource.getRepository(WebhookEvent).count();
    await expect(payments.oversized()).resolves.toBe('still fine');
    expect(await dataSource.getRepository(WebhookEvent).count()).toBe(before);
  });

  it('turns matching EventEmitter2 domain events into webhooks, and only those', async () => {
    await subscribe(['*']);
    const emitter = app.get(EventEmitter2);
    await emitter.emitAsync('payment.verified', { id: 'p', tenantId });
    await emitter.emitAsync('invoice.paid', { id: 'i', tenantId });
    await emitter.emitAsync('user.created', { id: 'u', tenantId });
    await emitter.emitAsync('invoice.created', { id: 'i2', tenantId });
    await waitFor(async () => (await eventsOf(tenantId)).length === 2, { what: 'two events' });
    await receiver.waitForRequests(2);
    expect(receivedTypes().sort()).toEqual(['invoice.created', 'payment.verified']);
    expect((await eventsOf(tenantId)).map((e) => e.type).sort()).toEqual(['invoice.created', 'payment.verified']);
  });

  it('fans out by exact type, resource.* and * in one publish', async () => {
    await subscribe(['*'], '/all');
    await subscribe(['invoice.*'], '/invoices');
    await subscribe(['invoice.paid'], '/paid');
    await subscribe(['invoice.created'], '/created');
    await subscribe(['payment.verified'], '/payments');
    const { deliveryCount } = await webhooks.publish('invoice.paid', { id: 'i' }, { tenantId });
    expect(deliveryCount).toBe(3);
    await receiver.waitForRequests(3);
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/all', '/invoices', '/paid']);
  });

  it("never sends tenant A's events to tenant B's endpoints", async () => {
    const other = `${tenantId}-other`;
    await subscribe(['*'], '/a');
    await subscribe(['*'], '/b', other);
    const { deliveryCount } = await webhooks.publish('invoice.paid', {}, { tenantId });
    expect(deliveryCount).toBe(1);
    await webhooks.publish('invoice.created', {}, { tenantId: other });
    await receiver.waitForRequests(2);
    expect(receiver.requests.map((r) => [r.path, JSON.parse(r.body).type]).sort()).toEqual([
      ['/a', 'invoice.paid'],
      ['/b', 'invoice.created'],
    ]);
  });

  it('publishes once per idempotency key and tenant', async () => {
    await subscribe(['*']);
    const first = await webhooks.publish('invoice.paid', { n: 1 }, { tenantId, idempotencyKey: 'key-1' });
    const again = await webhooks.publish('invoice.paid', { n: 2 }, { tenantId, idempotencyKey: 'key-1' });
    expect(again).toEqual({ eventId: first.eventId, deliveryCount: 1, duplicate: true });
    const concurrent = await Promise.all([1, 2, 3].map(() => webhooks.publish('invoice.paid', {}, { tenantId, idempotencyKey: 'key-2' })));
    expect(new Set(concurrent.map((r) => r.eventId)).size).toBe(1);
    const otherTenant = await webhooks.publish('invoice.paid', {}, { tenantId: `${tenantId}-x`, idempotencyKey: 'key-1' });
    expect(otherTenant.eventId).not.toBe(first.eventId);
    await receiver.waitForRequests(2);
    expect(await dataSource.getRepository(WebhookDelivery).count({ where: { tenantId } })).toBe(2);
  });

  it('writes inside the caller transaction: rollback sends nothing, commit delivers', async () => {
    await subscribe(['*']);
    await expect(
      dataSource.transaction(async (manager) => {
        await webhooks.publish('invoice.paid', { rolled: 'back' }, { tenantId, manager });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await eventsOf(tenantId)).toHaveLength(0);

    await dataSource.transaction((manager) => webhooks.publish('invoice.paid', { committed: true }, { tenantId, manager }));
    const [request] = await receiver.waitForRequests(1);
    expect(JSON.parse(request.body).data).toEqual({ committed: true });
  });

  it('rejects a payload above the size limit with a clear error', async () => {
    await expect(webhooks.publish('invoice.paid', { blob: 'x'.repeat(300 * 1024) }, { tenantId })).rejects.toThrow(/more than the 262144 bytes allowed/);
    await expect(webhooks.publish('not a type!', {}, { tenantId })).rejects.toThrow(/type must be/);
  });
});

describe('publishing with enabled: false', () => {
  let backend: TestBackend;
  let app: INestApplication;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startFixtureApp({
      database: backend.database,
      providers: [PaymentsService],
      webhooks: { enabled: false, listenTo: ['*'] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('changes nothing: same results, same errors, nothing stored', async () => {
    const payments = app.get(PaymentsService);
    expect(payments.verify('p', 't')).toEqual({ id: 'p', tenant: 't', status: 'verified' });
    await expect(payments.refund('p', 't')).resolves.toEqual({ id: 'p', refunded: true });
    await expect(payments.failingRefund()).rejects.toThrow('card network down');
    await app.get(EventEmitter2).emitAsync('payment.verified', { id: 'x' });
    expect(await app.get(WebhooksService).publish('invoice.paid', {})).toEqual({ eventId: null, deliveryCount: 0, duplicate: false });
    expect(await app.get(DataSource).getRepository(WebhookEvent).count()).toBe(0);
  });
});
