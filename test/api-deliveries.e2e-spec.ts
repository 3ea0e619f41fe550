import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { respond, TestReceiver } from './support/receiver';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { waitFor } from './support/wait-for';

const MAX_PAYLOAD_BYTES = 4096;

describe.each(BACKEND_ROWS)('management API: events and deliveries on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let a: ApiClient;
  let b: ApiClient;
  let dataSource: DataSource;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: { maxPayloadBytes: MAX_PAYLOAD_BYTES, circuitBreaker: false, autoDisable: false },
    });
    a = await ApiClient.of(app, 'key-tenant-a');
    b = a.as('key-tenant-b');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
  });

  // Each test starts without endpoints, so publishes reach only the ones it creates.
  afterEach(async () => {
    await receiver.close();
    for (const client of [a, b]) {
      const { body } = await client.get('/endpoints?limit=100');
      for (const endpoint of body.data) await client.delete(`/endpoints/${endpoint.id}`);
    }
  });

  const subscribe = async (client: ApiClient = a, eventTypes = ['*'], path = '/hook', extra: Record<string, unknown> = {}) => {
    const answer = await client.post('/endpoints', { url: receiver.endpoint(path), eventTypes, ...extra });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; secret: string; url: string };
  };
  const publish = async (client: ApiClient = a, type = 'invoice.paid', data: unknown = { n: 1 }, headers: Record<string, string> = {}) => {
    const answer = await client.post('/events', { type, data }, headers);
    expect(answer.status).toBe(202);
    return answer.body as { eventId: string; deliveryCount: number; duplicate: boolean };
  };
  const deliveriesOf = async (eventId: string, client: ApiClient = a) => (await client.get(`/events/${eventId}`)).body.deliveries as Array<{ id: string; status: string; endpointId: string }>;
  const settled = (deliveryId: string, status: string, client: ApiClient = a) =>
    waitFor(async () => (await client.get(`/deliveries/${deliveryId}`)).body.status === status, { what: `delivery ${deliveryId} ${status}` });

  describe('POST /events', () => {
    it('publishes to the tenant\'s subscribed endpoints and answers 202 with the delivery count', async () => {
      await subscribe(a, ['invoice.*'], '/invoices');
      await subscribe(a, ['payment.verified'], '/payments');
      await subscribe(b, ['*'], '/other-tenant');
      const result = await publish(a, 'invoice.paid', { invoiceId: 'inv_1' });
      expect(result).toEqual({ eventId: expect.any(String), deliveryCount: 1, duplicate: false });
      const [request] = await receiver.waitForRequests(1);
      expect(request.path).toBe('/invoices');
      expect(JSON.parse(request.body)).toMatchObject({ id: result.eventId, type: 'invoice.paid', data: { invoiceId: 'inv_1' } });
    });

    it('honours Idempotency-Key: the same key creates the event and its deliveries once', async () => {
      await subscribe();
      const first = await publish(a, 'invoice.paid', { n: 1 }, { 'Idempotency-Key': 'order-42' });
      const again = await publish(a, 'invoice.paid', { n: 2 }, { 'Idempotency-Key': 'order-42' });
      expect(again).toEqual({ eventId: first.eventId, deliveryCount: 1, duplicate: true });
      const otherTenant = await publish(b, 'invoice.paid', { n: 3 }, { 'Idempotency-Key': 'order-42' });
      expect(otherTenant.eventId).not.toBe(first.eventId);
      await receiver.waitForRequests(1);
      expect(await deliveriesOf(first.eventId)).toHaveLength(1);
      const events = await a.get('/events?limit=100');
      expect(events.body.data.filter((event: { idempotencyKey: string }) => event.idempotencyKey === 'order-42')).toHaveLength(1);
    });

    it.each([
      ['a missing type', { data: {} }, /type/],
      ['a type of the wrong type', { type: 7, data: {} }, /type/],
      ['a malformed type', { type: 'Invoice Paid!', data: {} }, /type/],
      ['a type outside the catalog', { type: 'invoice.burned', data: {} }, /type: unknown event type .*invoice\.burned/],
      ['missing data', { type: 'invoice.paid' }, /data/],
      ['data that is an array', { type: 'invoice.paid', data: [1, 2] }, /data/],
      ['data that is a string', { type: 'invoice.paid', data: 'x' }, /data/],
      ['an unknown field', { type: 'invoice.paid', data: {}, tenantId: 'tenant-b' }, /tenantId should not exist/],
    ])('answers 400 naming the field for %s', async (_case, body, message) => {
      const answer = await a.post('/events', body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });

    it('answers 400 for an Idempotency-Key longer than 255 characters', async () => {
      const answer = await a.post('/events', { type: 'invoice.paid', data: {} }, { 'Idempotency-Key': 'k'.repeat(256) });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(/idempotencyKey/);
    });

    it('answers 413 for data above the payload limit, and for a body above the JSON parser limit', async () => {
      const tooBig = await a.post('/events', { type: 'invoice.paid', data: { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) } });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.message).toMatch(/data is \d+ bytes/);
      const huge = await a.post('/events', { type: 'invoice.paid', data: { blob: 'x'.repeat(200 * 1024) } });
      expect(huge.status).toBe(413);
    });
  });

  describe('GET /events and GET /events/:id', () => {
    it('lists newest first with filters and cursor pages, and shows one event with its deliveries', async () => {
      const endpoint = await subscribe(a, ['invoice.*']);
      const before = new Date().toISOString();
      const created = await publish(a, 'invoice.created', { n: 1 });
      const paid = await publish(a, 'invoice.paid', { n: 2 });
      const refunded = await publish(a, 'payment.refunded', { n: 3 });

      const page1 = await a.get(`/events?limit=2&from=${before}`);
      expect(page1.body.data.map((event: { id: string }) => event.id)).toEqual([refunded.eventId, paid.eventId]);
      expect(page1.body.data[0]).toEqual({ id: refunded.eventId, type: 'payment.refunded', idempotencyKey: null, createdAt: expect.any(String), deliveries: expect.any(Object) });
      const page2 = await a.get(`/events?limit=2&from=${before}&cursor=${page1.body.nextCursor}`);
      expect(page2.body).toEqual({ data: [expect.objectContaining({ id: created.eventId })], nextCursor: null });
      const byType = await a.get(`/events?eventType=invoice.paid&from=${before}`);
      expect(byType.body.data.map((event: { id: string }) => event.id)).toEqual([paid.eventId]);
      expect((await a.get(`/events?to=${before}&from=${before}`)).body.data).toEqual([]);

      const detail = await a.get(`/events/${paid.eventId}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: paid.eventId, type: 'invoice.paid', data: { n: 2 }, deliveries: [{ endpointId: endpoint.id, eventType: 'invoice.paid' }] });
      expect((await a.get(`/events/${refunded.eventId}`)).body.deliveries).toEqual([]);
    });

    it.each([
      ['GET', '/events/not-a-uuid', 400],
      ['GET', `/events/${randomUUID()}`, 404],
      ['POST', '/events/not-a-uuid/replay', 400],
      ['POST', `/events/${randomUUID()}/replay`, 404],
      ['GET', '/events?from=yesterday', 400],
      ['GET', '/events?to=2026-02-31T00:00:00Z', 400],
      ['GET', '/events?cursor=bm9wZQ', 400],
      ['GET', '/events?limit=1000', 400],
    ])('%s %s answers %i', async (method, path, status) => {
      expect((await a.request(method, path)).status).toBe(status);
    });
  });

  describe('POST /events/:id/replay', () => {
    it('re-sends to every endpoint that received it, as new deliveries, and to no other', async () => {
      await subscribe(a, ['invoice.*'], '/first');
      const gone = await subscribe(a, ['invoice.*'], '/gone');
      const { eventId } = await publish(a, 'invoice.paid');
      await receiver.waitForRequests(2);
      const original = await deliveriesOf(eventId);
      await a.delete(`/endpoints/${gone.id}`);
      await subscribe(a, ['invoice.*'], '/later');

      const replay = await a.post(`/events/${eventId}/replay`);
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({ eventId, deliveryCount: 1 });
      const [, , again] = await receiver.waitForRequests(3);
      expect(again.path).toBe('/first');
      expect(again.headers['webhook-id']).toBe(eventId);
      const after = await deliveriesOf(eventId);
      expect(after).toHaveLength(3);
      expect(after.map((delivery) => delivery.id)).toEqual(expect.arrayContaining(original.map((delivery) => delivery.id)));
    });
  });

  describe('GET /deliveries and GET /deliveries/:id', () => {
    it('filters by endpoint, event type, status and date, and pages newest first', async () => {
      receiver.otherwise((request, response) => {
        if (request.path === '/bad') return respond(400)(request, response);
      });
      const good = await subscribe(a, ['*'], '/good');
      const bad = await subscribe(a, ['invoice.*'], '/bad');
      const before = new Date().toISOString();
      const first = await publish(a, 'invoice.paid');
      const second = await publish(a, 'payment.verified');
      await receiver.waitForRequests(3);
      const [toBad] = (await deliveriesOf(first.eventId)).filter((delivery) => delivery.endpointId === bad.id);
      await settled(toBad.id, 'failed');

      const ids = async (query: string) => (await a.get(`/deliveries?from=${before}&${query}`)).body.data.map((delivery: { id: string }) => delivery.id);
      const all = await ids('limit=100');
      expect(all).toHaveLength(3);
      expect(await ids(`endpointId=${bad.id}`)).toEqual([toBad.id]);
      expect(await ids('status=failed')).toEqual([toBad.id]);
      expect(await ids('eventType=payment.verified')).toEqual((await deliveriesOf(second.eventId)).map((delivery) => delivery.id));
      expect(await ids(`endpointId=${good.id}&eventType=invoice.paid`)).toHaveLength(1);
      expect(await ids(`to=${before}`)).toEqual([]);

      const page1 = await a.get(`/deliveries?from=${before}&limit=2`);
      const page2 = await a.get(`/deliveries?from=${before}&limit=2&cursor=${page1.body.nextCursor}`);
      expect([...page1.body.data, ...page2.body.data].map((delivery: { id: string }) => delivery.id)).toEqual(all);
      expect(page2.body.nextCursor).toBeNull();
      const createdAts = [...page1.body.data, ...page2.body.data].map((delivery: { createdAt: string }) => delivery.createdAt);
      expect([...createdAts].sort().reverse()).toEqual(createdAts);
    });

    it('shows a delivery with every attempt: request headers, response status, headers and body, duration, error', async () => {
      receiver.script(respond(503, { 'x-reason': 'maintenance' }, 'down for maintenance'), respond(200, {}, 'thanks'));
      const endpoint = await subscribe(a, ['*'], '/hook', { headers: { 'X-Api-Token': 'receiver-credential', 'X-Team': 'billing' } });
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'succeeded');

      const detail = await a.get(`/deliveries/${delivery.id}`);
      expect(detail.body).toMatchObject({ id: delivery.id, eventId, endpointId: endpoint.id, status: 'succeeded', attemptCount: 2, lastStatusCode: 200 });
      const [failed, succeeded] = detail.body.attempts;
      expect(failed).toMatchObject({ number: 1, responseStatus: 503, responseBody: 'down for maintenance', durationMs: expect.any(Number), error: null });
      expect(failed.responseHeaders['x-reason']).toBe('maintenance');
      expect(succeeded).toMatchObject({ number: 2, responseStatus: 200, responseBody: 'thanks' });
      expect(failed.requestHeaders).toMatchObject({ 'webhook-id': eventId, 'x-webhook-delivery': delivery.id, 'x-team': 'billing', 'x-api-token': '[redacted]' });
      expect(failed.requestHeaders['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.stringify(detail.body)).not.toContain(endpoint.secret.slice(6));
      expect(JSON.stringify(detail.body)).not.toContain('receiver-credential');
    });

    it('records a connection error as the attempt error', async () => {
      const closed = await TestReceiver.start();
      const url = closed.endpoint('/closed');
      await closed.close();
      const endpoint = await a.post('/endpoints', { url, eventTypes: ['*'], retrySchedule: { delaysMs: [0] } });
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'failed');
      const detail = await a.get(`/deliveries/${delivery.id}`);
      expect(detail.body.attempts).toEqual([expect.objectContaining({ responseStatus: null, error: expect.any(String) })]);
      expect(detail.body.attempts[0].error.length).toBeGreaterThan(0);
      await a.delete(`/endpoints/${endpoint.body.id}`);
    });

    it.each([
      ['/deliveries?endpointId=12', /endpointId/],
      ['/deliveries?status=lost', /status/],
      ['/deliveries?from=2026-13-01', /from/],
      ['/deliveries?limit=101', /limit/],
      ['/deliveries?cursor=%%%', /cursor/],
      [`/deliveries?cursor=${Buffer.from('[1,2]').toString('base64url')}`, /cursor/],
      ['/deliveries?page=2', /page should not exist/],
      ['/deliveries/not-a-uuid', /id must be a UUID/],
    ])('GET %s answers 400 naming the field', async (path, message) => {
      const answer = await a.get(path);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });

    it('answers 404 for an unknown delivery', async () => {
      expect((await a.get(`/deliveries/${randomUUID()}`)).status).toBe(404);
      expect((await a.post(`/deliveries/${randomUUID()}/retry`)).status).toBe(404);
      expect((await a.post('/deliveries/nope/retry')).status).toBe(400);
    });
  });

  describe('POST /deliveries/:id/retry', () => {
    it('sends a failed delivery again at once and continues its attempt numbers', async () => {
      receiver.script(respond(400, {}, 'rejected'));
      await subscribe();
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'failed');
      const retry = await a.post(`/deliveries/${delivery.id}/retry`);
      expect(retry.status).toBe(202);
      expect(retry.body).toEqual({ deliveryId: delivery.id, status: 'pending' });
      await receiver.waitForRequests(2);
      await settled(delivery.id, 'succeeded');
      const detail = await a.get(`/deliveries/${delivery.id}`);
      expect(detail.body.attempts.map((attempt: { number: number; responseStatus: number }) => [attempt.number, attempt.responseStatus])).toEqual([[1, 400], [2, 200]]);
    });

    it('sends a succeeded delivery again', async () => {
      await subscribe();
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'succeeded');
      expect((await a.post(`/deliveries/${delivery.id}/retry`)).status).toBe(202);
      const [first, second] = await receiver.waitForRequests(2);
      expect(second.body).toBe(first.body);
      expect(second.headers['webhook-id']).toBe(eventId);
      await settled(delivery.id, 'succeeded');
    });

    it('brings a retry scheduled an hour away forward: the delayed Bull job is promoted', async () => {
      receiver.script(respond(429, { 'retry-after': '3600' }));
      await subscribe();
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'retrying');
      const waiting = await a.get(`/deliveries/${delivery.id}`);
      expect(new Date(waiting.body.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
      expect((await a.post(`/deliveries/${delivery.id}/retry`)).status).toBe(202);
      await receiver.waitForRequests(2);
      await settled(delivery.id, 'succeeded');
    });

    it('answers 409 while the delivery is being attempted, and when its endpoint is disabled', async () => {
      const endpoint = await subscribe();
      const { eventId } = await publish(a);
      const [delivery] = await deliveriesOf(eventId);
      await settled(delivery.id, 'succeeded');
      await dataSource.getRepository(WebhookDelivery).update({ id: delivery.id }, { status: DeliveryStatus.Delivering });
      const busy = await a.post(`/deliveries/${delivery.id}/retry`);
      expect(busy.status).toBe(409);
      expect(busy.body.message).toMatch(/attempted/);
      await dataSource.getRepository(WebhookDelivery).update({ id: delivery.id }, { status: DeliveryStatus.Failed });
      await a.patch(`/endpoints/${endpoint.id}`, { status: 'disabled' });
      const disabled = await a.post(`/deliveries/${delivery.id}/retry`);
      expect(disabled.status).toBe(409);
      expect(disabled.body.message).toMatch(/disabled/);
    });
  });

  describe('POST /endpoints/:id/recover', () => {
    it("re-queues the endpoint's failed deliveries created since the given time, and only those", async () => {
      receiver.otherwise(respond(500));
      const endpoint = await subscribe(a, ['*'], '/hook', { retrySchedule: { delaysMs: [0, 10] } });
      const old = await publish(a, 'invoice.created');
      const [oldDelivery] = await deliveriesOf(old.eventId);
      await settled(oldDelivery.id, 'failed');
      const since = new Date().toISOString();
      const recent = [await publish(a, 'invoice.paid'), await publish(a, 'payment.verified')];
      const recentDeliveries = (await Promise.all(recent.map((event) => deliveriesOf(event.eventId)))).flat();
      for (const delivery of recentDeliveries) await settled(delivery.id, 'failed');
      expect(receiver.requests).toHaveLength(6);

      receiver.otherwise(() => undefined);
      const recover = await a.post(`/endpoints/${endpoint.id}/recover`, { since });
      expect(recover.status).toBe(202);
      expect(recover.body).toEqual({ count: 2 });
      const requests = await receiver.waitForRequests(8);
      expect(requests.slice(6).map((request) => JSON.parse(request.body).type).sort()).toEqual(['invoice.paid', 'payment.verified']);
      for (const delivery of recentDeliveries) await settled(delivery.id, 'succeeded');
      expect((await a.get(`/deliveries/${oldDelivery.id}`)).body.status).toBe('failed');
    });

    it.each([
      ['a missing since', {}, /since/],
      ['a since that is not a date', { since: 'last week' }, /since/],
      ['an unknown field', { since: '2026-01-01T00:00:00Z', until: 'now' }, /until should not exist/],
    ])('answers 400 for %s', async (_case, body, message) => {
      const endpoint = await subscribe();
      const answer = await a.post(`/endpoints/${endpoint.id}/recover`, body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });
  });

  describe('POST /endpoints/:id/test', () => {
    it('sends a webhook.test event to this endpoint only and answers how it responded', async () => {
      receiver.otherwise((request, response) => {
        if (request.path === '/tested') return respond(200, {}, 'pong')(request, response);
      });
      const tested = await subscribe(a, ['invoice.paid'], '/tested');
      await subscribe(a, ['*'], '/bystander');
      const answer = await a.post(`/endpoints/${tested.id}/test`);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        succeeded: true,
        status: 200,
        durationMs: expect.any(Number),
        responseBody: 'pong',
        error: null,
        sent: true,
        heldBecause: null,
        nextAttemptAt: null,
        eventType: 'webhook.test',
        deliveryId: expect.any(String),
        eventId: expect.any(String),
      });
      expect(receiver.requests.map((request) => request.path)).toEqual(['/tested']);
      expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ type: 'webhook.test', data: { endpointId: tested.id } });
      const delivery = await a.get(`/deliveries/${answer.body.deliveryId}`);
      expect(delivery.body).toMatchObject({ endpointId: tested.id, eventType: 'webhook.test', status: 'succeeded' });
    });

    it('reports a failing endpoint, and refuses a disabled one', async () => {
      receiver.otherwise(respond(500, {}, 'boom'));
      const endpoint = await subscribe(a, ['*'], '/hook', { retrySchedule: { delaysMs: [0] } });
      const answer = await a.post(`/endpoints/${endpoint.id}/test`);
      expect(answer.body).toMatchObject({ succeeded: false, status: 500, responseBody: 'boom' });
      await a.patch(`/endpoints/${endpoint.id}`, { status: 'disabled' });
      expect((await a.post(`/endpoints/${endpoint.id}/test`)).status).toBe(409);
    });
  });

  it('signs with both secrets during a rotation overlap, each verifying with standardwebhooks', async () => {
    const endpoint = await subscribe();
    const rotated = await a.post(`/endpoints/${endpoint.id}/rotate-secret`, { overlapSeconds: 3600 });
    await publish(a);
    const [request] = await receiver.waitForRequests(1);
    const signatures = String(request.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const withOnly = (signature: string) => ({ ...headers, 'webhook-signature': signature });
    expect(() => new Webhook(rotated.body.secret).verify(request.body, withOnly(signatures[0]))).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request.body, withOnly(signatures[1]))).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request.body, withOnly(signatures[0]))).toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(request.body, headers)).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(request.body, headers)).not.toThrow();
  });

  describe('GET /event-types, /failures, /queue', () => {
    it('lists the catalog', async () => {
      const answer = await a.get('/event-types');
      expect(answer.status).toBe(200);
      expect(answer.body.data.map((type: { name: string }) => type.name)).toEqual(['invoice.created', 'invoice.paid', 'payment.refunded', 'payment.verified']);
    });

    it('lists the most recent dead letters with their endpoint URL, at most limit', async () => {
      receiver.otherwise(respond(422));
      const endpoint = await subscribe(a, ['*'], '/rejects');
      const events = [await publish(a, 'invoice.paid'), await publish(a, 'invoice.created')];
      const deliveries = (await Promise.all(events.map((event) => deliveriesOf(event.eventId)))).flat();
      for (const delivery of deliveries) await settled(delivery.id, 'failed');
      const answer = await a.get('/failures?limit=2');
      expect(answer.status).toBe(200);
      expect(answer.body.data).toHaveLength(2);
      expect(answer.body.data.map((failure: { id: string }) => failure.id).sort()).toEqual(deliveries.map((delivery) => delivery.id).sort());
      expect(answer.body.data[0]).toMatchObject({ endpointUrl: endpoint.url, status: 'failed', lastStatusCode: 422 });
      expect((await a.get('/failures?limit=1')).body.data).toHaveLength(1);
      expect((await b.get('/failures')).body.data.map((failure: { endpointId: string }) => failure.endpointId)).not.toContain(endpoint.id);
      expect((await a.get('/failures?limit=0')).status).toBe(400);
      expect((await a.get('/failures?limit=x')).status).toBe(400);
    });

    it("reports Bull's job counts (none without Redis) and the tenant's backlog of due deliveries", async () => {
      const endpoint = await subscribe(b);
      const dueSince = new Date(Date.now() - 60_000);
      const eventId = randomUUID();
      // Written directly and never queued (the reconciler is off in tests): it stays due.
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId: 'tenant-b', data: {}, idempotencyKey: null, createdAt: dueSince });
      await dataSource.getRepository(WebhookDelivery).insert({
        id: randomUUID(), eventId, endpointId: endpoint.id, tenantId: 'tenant-b', eventType: 'invoice.paid', status: DeliveryStatus.Pending, attemptCount: 0, nextAttemptAt: dueSince, createdAt: dueSince, updatedAt: dueSince,
      });
      const answer = await b.get('/queue');
      expect(answer.status).toBe(200);
      // Bull's counts with Redis; embedded mode has no queue to count.
      const bullCounts = { waiting: expect.any(Number), active: expect.any(Number), delayed: expect.any(Number), failed: expect.any(Number), completed: expect.any(Number), paused: expect.any(Number) };
      expect(answer.body.queue).toEqual(backend.withoutRedis ? null : bullCounts);
      expect(answer.body.backlog.due).toBe(1);
      expect(answer.body.backlog.oldestDueAgeMs).toBeGreaterThanOrEqual(60_000);
      expect((await a.get('/queue')).body.backlog).toMatchObject({ due: 0, oldestDueAgeMs: null });
    });
  });

  it("another tenant's events and deliveries answer 404 and stay out of its lists and figures", async () => {
    receiver.otherwise(respond(400));
    const endpoint = await subscribe(a);
    const { eventId } = await publish(a);
    const [delivery] = await deliveriesOf(eventId);
    await settled(delivery.id, 'failed');

    const answers = [
      await b.get(`/events/${eventId}`),
      await b.post(`/events/${eventId}/replay`),
      await b.get(`/deliveries/${delivery.id}`),
      await b.post(`/deliveries/${delivery.id}/retry`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
    expect(receiver.requests).toHaveLength(1);
    expect((await a.get(`/deliveries/${delivery.id}`)).body).toMatchObject({ status: 'failed', attemptCount: 1 });

    const seen = JSON.stringify([
      (await b.get('/events?limit=100')).body,
      (await b.get('/deliveries?limit=100')).body,
      (await b.get(`/deliveries?endpointId=${endpoint.id}`)).body,
      (await b.get('/failures?limit=100')).body,
      await (await b.raw('/deliveries/export?format=ndjson')).text(),
    ]);
    for (const id of [eventId, delivery.id, endpoint.id]) expect(seen).not.toContain(id);
    const stats = (await b.get(`/stats?hours=1`)).body;
    expect(stats.byEventType.map((row: { eventType: string }) => row.eventType)).not.toContain('webhook.test');
  });

  it('answers 401 on every route without an API key', async () => {
    const id = randomUUID();
    const routes: Array<[string, string]> = [
      ['POST', '/endpoints'], ['GET', '/endpoints'], ['GET', `/endpoints/${id}`], ['PATCH', `/endpoints/${id}`], ['DELETE', `/endpoints/${id}`],
      ['POST', `/endpoints/${id}/rotate-secret`], ['POST', `/endpoints/${id}/test`], ['POST', `/endpoints/${id}/recover`], ['GET', `/endpoints/${id}/stats`],
      ['POST', '/events'], ['GET', '/events'], ['GET', `/events/${id}`], ['POST', `/events/${id}/replay`],
      ['GET', '/deliveries'], ['GET', `/deliveries/${id}`], ['POST', `/deliveries/${id}/retry`], ['GET', '/deliveries/export'],
      ['GET', '/event-types'], ['GET', '/stats'], ['GET', '/failures'], ['GET', '/queue'],
    ];
    const anonymous = a.as(undefined);
    const statuses = await Promise.all(routes.map(async ([method, path]) => [method, path, (await anonymous.request(method, path, method === 'POST' || method === 'PATCH' ? {} : undefined)).status]));
    expect(statuses).toEqual(routes.map(([method, path]) => [method, path, 401]));
  });
});
