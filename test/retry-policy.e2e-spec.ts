import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhooksService, type AttemptFailure } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { hang, respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// Which failed attempts retry: the module's rule (here a function: 401 retries, as while a
// receiver's credentials are being rolled out; timeouts do not), an endpoint's own list in its
// place, and the statuses whose Retry-After sets the next attempt.

describe.each(BACKEND_ROWS)('retry policy on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;
  let receiver: TestReceiver;
  let dataSource: DataSource;
  const asked: AttemptFailure[] = [];

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: {
        circuitBreaker: false,
        autoDisable: false,
        timeoutMs: 300,
        retryOn: (failure) => {
          asked.push(failure);
          return failure.status === 401 || failure.status === 429 || (failure.status ?? 0) >= 500;
        },
        retryAfterStatuses: [429, 503, 500],
      },
    });
    api = await ApiClient.of(app, 'key-tenant-a');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
    asked.length = 0;
  });

  afterEach(async () => {
    await receiver.close();
    for (const endpoint of (await api.get('/endpoints?limit=100')).body.data) await api.delete(`/endpoints/${endpoint.id}`);
  });

  const publish = async () => (await app.get(WebhooksService).publish('invoice.paid', { n: 1 }, { tenantId: 'tenant-a' })).eventId!;
  const deliveryOf = (eventId: string) => dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId });
  const settled = (eventId: string, status: DeliveryStatus) =>
    waitFor(async () => ((await deliveryOf(eventId)).status === status ? deliveryOf(eventId) : null), { what: `the delivery ${status}` });
  const statusesOf = async (deliveryId: string) =>
    (await dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId }, order: { number: 'ASC' } })).map((a) => a.responseStatus ?? a.error);

  it("retries what the module's function retries: a 401 then a 200", async () => {
    await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    receiver.script(respond(401));
    const delivery = await settled(await publish(), DeliveryStatus.Succeeded);
    expect(await statusesOf(delivery.id)).toEqual([401, 200]);
    expect(asked).toEqual([{ status: 401, failure: null, error: null }]);
  });

  it("fails for good on what the function does not retry: a timeout, after one attempt", async () => {
    await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    receiver.script(hang);
    const delivery = await settled(await publish(), DeliveryStatus.Failed);
    expect(delivery.attemptCount).toBe(1);
    expect(asked).toEqual([{ status: null, failure: 'timeout', error: expect.stringMatching(/^timeout after 300 ms/) }]);
  });

  it("an endpoint's own list replaces the module's rule: 404 retries, 401 is final", async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], retryOn: [404, '5xx'] });
    expect(created.status).toBe(201);
    expect(created.body.retryOn).toEqual([404, '5xx']);
    receiver.script(respond(404), respond(502));
    const retried = await settled(await publish(), DeliveryStatus.Succeeded);
    expect(await statusesOf(retried.id)).toEqual([404, 502, 200]);

    receiver.script(respond(401));
    const final = await settled(await publish(), DeliveryStatus.Failed);
    expect(await statusesOf(final.id)).toEqual([401]);
    expect(asked).toEqual([]);
  });

  it('a 410 the endpoint retries does not disable it', async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], retryOn: ['4xx'] });
    receiver.script(respond(410));
    await settled(await publish(), DeliveryStatus.Succeeded);
    expect((await api.get(`/endpoints/${created.body.id}`)).body.status).toBe(EndpointStatus.Active);
  });

  it('PATCH sets and clears the list; the module rule applies again once cleared', async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    expect(created.body.retryOn).toBeNull();
    expect((await api.patch(`/endpoints/${created.body.id}`, { retryOn: ['timeout', 418] })).body.retryOn).toEqual(['timeout', 418]);
    expect((await api.patch(`/endpoints/${created.body.id}`, { retryOn: null })).body.retryOn).toBeNull();
    receiver.script(respond(401));
    await settled(await publish(), DeliveryStatus.Succeeded);
    expect(asked).toHaveLength(1);
  });

  it.each<[string, unknown, RegExp]>([
    ['a 2xx status', [200], /^retryOn: "200" is neither an HTTP status from 300 to 599/],
    ['an unknown class', ['6xx'], /^retryOn: "6xx" is neither/],
    ['a string', '5xx', /^retryOn must be an array/],
    ['an object', { status: 404 }, /^retryOn must be an array/],
  ])('answers 400 naming retryOn to %s, and stores nothing', async (_case, retryOn, message) => {
    const answer = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], retryOn });
    expect(answer.status).toBe(400);
    expect([answer.body.message].flat().join('; ')).toMatch(message);
    expect((await api.get('/endpoints')).body.data).toEqual([]);
  });

  it.each([429, 503, 500])('waits the Retry-After of a %i (a listed status), far past the schedule', async (status) => {
    await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    receiver.script(respond(status, { 'retry-after': '120' }));
    const eventId = await publish();
    const waiting = await waitFor(async () => {
      const row = await deliveryOf(eventId);
      return row.status === DeliveryStatus.Retrying ? row : null;
    }, { what: 'the delivery to wait for its retry' });
    const [attempt] = await dataSource.getRepository(WebhookAttempt).findBy({ deliveryId: waiting.id });
    // The fixture's schedule would retry after 50 ms; the receiver asked for two minutes.
    expect(waiting.nextAttemptAt!.getTime() - attempt.startedAt.getTime()).toBeGreaterThanOrEqual(119_000);
  });

  it('keeps a stored list it cannot use from stopping retries: the module rule applies', async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    // A row written past EndpointsService.
    await dataSource.getRepository(WebhookEndpoint).update(created.body.id, { retryOn: ['teapot'] as never });
    receiver.script(respond(500));
    const delivery = await settled(await publish(), DeliveryStatus.Succeeded);
    expect(await statusesOf(delivery.id)).toEqual([500, 200]);
  });
});
