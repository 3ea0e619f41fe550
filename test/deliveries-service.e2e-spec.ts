import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { BadRequestException, ConflictException, NotFoundException, type INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DeliveriesService, DeliveryStatus, EndpointsService, EndpointStatus, WebhooksService, type DeliveryDetail } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// DeliveriesService as host code uses it: reads and actions on real deliveries to a real
// receiver on loopback, one tenant's rows at a time, answering as the REST API does.

const A = { tenantId: 'tenant-a' };
const B = { tenantId: 'tenant-b' };

describe.each(BACKEND_ROWS)('DeliveriesService on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;
  let receiver: TestReceiver;
  let deliveries: DeliveriesService;
  let endpoints: EndpointsService;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { circuitBreaker: false, autoDisable: false } });
    api = await ApiClient.of(app, 'key-tenant-a');
    deliveries = app.get(DeliveriesService);
    endpoints = app.get(EndpointsService);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
  });

  afterEach(async () => {
    await receiver.close();
    for (const scope of [A, B, {}]) for (const endpoint of await endpoints.list(scope)) await endpoints.remove(endpoint.id, scope);
  });

  const endpointFor = (scope: { tenantId?: string }, path = '/hook') => endpoints.create({ ...scope, url: receiver.endpoint(path), eventTypes: ['invoice.paid'] });
  const publish = async (scope: { tenantId?: string } = A, data: Record<string, number> = { n: 1 }) =>
    (await app.get(WebhooksService).publish('invoice.paid', data, scope)).eventId!;
  const onlyDeliveryOf = async (eventId: string, scope: { tenantId?: string } = A) => (await deliveries.listDeliveries({ ...scope, eventId })).data[0];
  const settled = (deliveryId: string, status: DeliveryStatus, scope: { tenantId?: string } = A) =>
    waitFor(async () => {
      const delivery = await deliveries.getDelivery(deliveryId, scope);
      return delivery.status === status ? delivery : null;
    }, { what: `delivery ${deliveryId} ${status}` });
  const settledEvent = async (eventId: string, status: DeliveryStatus): Promise<DeliveryDetail> =>
    settled((await waitFor(() => onlyDeliveryOf(eventId), { what: 'its delivery' })).id, status);

  it('lists events newest first in keyset pages, with totals and how their deliveries stand, and reads one with its deliveries', async () => {
    const endpoint = await endpointFor(A);
    const scope = { ...A, from: new Date() };
    const published = [await publish(A, { n: 1 }), await publish(A, { n: 2 }), await publish(A, { n: 3 })];
    for (const eventId of published) await settledEvent(eventId, DeliveryStatus.Succeeded);

    const first = await deliveries.listEvents({ ...scope, limit: 2, includeTotal: true });
    expect(first.data).toHaveLength(2);
    expect(first.total).toBe(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await deliveries.listEvents({ ...scope, limit: 2, cursor: first.nextCursor! });
    expect(second).toEqual({ data: [expect.objectContaining({ type: 'invoice.paid' })], nextCursor: null });
    const listed = [...first.data, ...second.data];
    expect(new Set(listed.map((event) => event.id))).toEqual(new Set(published));
    expect(listed.map((event) => event.createdAt.getTime())).toEqual([...listed.map((event) => event.createdAt.getTime())].sort((x, y) => y - x));
    expect(listed[0]).toEqual({ id: expect.any(String), type: 'invoice.paid', idempotencyKey: null, createdAt: expect.any(Date), deliveries: { total: 1, succeeded: 1, failed: 0, waiting: 0 } });
    expect((await deliveries.listEvents({ ...A, eventId: published[1] })).data.map((event) => event.id)).toEqual([published[1]]);
    expect((await deliveries.listEvents({ ...A, from: new Date(Date.now() + 60_000) })).data).toEqual([]);

    const event = await deliveries.getEvent(published[2], A);
    expect(event.data).toEqual({ n: 3 });
    expect(event.deliveries).toEqual([expect.objectContaining({ endpointId: endpoint.id, endpointUrl: receiver.endpoint(), status: DeliveryStatus.Succeeded, heldBecause: null })]);
    expect((await api.get(`/events/${published[2]}`)).body.deliveries[0].id).toBe(event.deliveries[0].id);
  });

  it('lists deliveries by status, endpoint, type, event and date in pages, and reads one with its attempts and the exact body sent', async () => {
    const ok = await endpointFor(A, '/ok');
    const refusing = await endpointFor(A, '/refusing');
    const scope = { ...A, from: new Date() };
    receiver.otherwise((request, response) => (request.path === '/refusing' ? respond(400)(request, response) : undefined));
    const eventIds = [await publish(A, { n: 1 }), await publish(A, { n: 2 })];
    await receiver.waitForRequests(4);
    const all = await waitFor(async () => {
      const page = await deliveries.listDeliveries({ ...scope, includeTotal: true });
      return page.data.every((delivery) => delivery.status === DeliveryStatus.Succeeded || delivery.status === DeliveryStatus.Failed) ? page : null;
    }, { what: 'every delivery finished' });
    expect(all.total).toBe(4);

    const failed = await deliveries.listDeliveries({ ...scope, status: DeliveryStatus.Failed });
    expect(failed.data.map((delivery) => delivery.endpointId)).toEqual([refusing.id, refusing.id]);
    expect((await deliveries.listDeliveries({ ...scope, endpointId: ok.id })).data.map((delivery) => delivery.status)).toEqual([DeliveryStatus.Succeeded, DeliveryStatus.Succeeded]);
    expect((await deliveries.listDeliveries({ ...A, eventType: 'invoice.created' })).data).toEqual([]);
    expect((await deliveries.listDeliveries({ ...A, eventId: eventIds[0] })).data).toHaveLength(2);
    expect((await deliveries.listDeliveries({ ...A, to: new Date(Date.now() - 60_000) })).data).toEqual([]);

    const seen = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await deliveries.listDeliveries({ ...scope, limit: 3, cursor });
      page.data.forEach((delivery) => seen.add(delivery.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(new Set(all.data.map((delivery) => delivery.id)));
    await expect(deliveries.listDeliveries({ ...A, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(BadRequestException);
    await expect(deliveries.listDeliveries({ ...A, limit: 101 })).rejects.toBeInstanceOf(BadRequestException);

    const detail = await deliveries.getDelivery(failed.data[0].id, A);
    const sent = receiver.requests.find((request) => request.headers['x-webhook-delivery'] === detail.id)!;
    expect(detail.requestBody).toBe(sent.body);
    expect(detail.attempts).toEqual([expect.objectContaining({ number: 1, responseStatus: 400, requestHeaders: expect.objectContaining({ 'webhook-id': detail.eventId, 'x-webhook-delivery': detail.id }) })]);
    expect(detail).toEqual(expect.objectContaining({ endpointUrl: receiver.endpoint('/refusing'), lastStatusCode: 400, status: DeliveryStatus.Failed }));
    const rest = (await api.get(`/deliveries/${detail.id}`)).body;
    expect(rest.requestBody).toBe(detail.requestBody);
    expect(rest.attempts.map((attempt: { id: string }) => attempt.id)).toEqual(detail.attempts.map((attempt) => attempt.id));
  });

  it('retries a failed delivery, and a selection with each refusal its own outcome', async () => {
    await endpointFor(A);
    receiver.script(respond(400), respond(400));
    const first = await settledEvent(await publish(), DeliveryStatus.Failed);
    const second = await settledEvent(await publish(), DeliveryStatus.Failed);

    expect(await deliveries.retryDelivery(first.id, A)).toEqual({ deliveryId: first.id, status: DeliveryStatus.Pending });
    expect((await settled(first.id, DeliveryStatus.Succeeded)).attempts.map((attempt) => attempt.responseStatus)).toEqual([400, 200]);

    const unknown = randomUUID();
    const many = await deliveries.retryDeliveries([second.id, unknown], A);
    expect(many).toEqual({
      retried: 1,
      refused: 1,
      data: [
        { deliveryId: second.id, status: DeliveryStatus.Pending, error: null },
        { deliveryId: unknown, status: null, error: `delivery ${unknown} not found` },
      ],
    });
    await settled(second.id, DeliveryStatus.Succeeded);
  });

  it('replays an event to every endpoint that received it, or to the chosen ones', async () => {
    const one = await endpointFor(A, '/one');
    await endpointFor(A, '/two');
    const eventId = await publish();
    await receiver.waitForRequests(2);

    expect(await deliveries.replayEvent(eventId, { ...A, endpointIds: [one.id] })).toEqual({ eventId, deliveryCount: 1 });
    const [, , replayed] = await receiver.waitForRequests(3);
    expect(replayed.path).toBe('/one');
    expect(replayed.headers['webhook-id']).toBe(eventId);

    expect(await deliveries.replayEvent(eventId, A)).toEqual({ eventId, deliveryCount: 2 });
    await receiver.waitForRequests(5);
    expect((await deliveries.getEvent(eventId, A)).deliveries).toHaveLength(5);
    await expect(deliveries.replayEvent(eventId, { ...A, endpointIds: [randomUUID()] })).rejects.toBeInstanceOf(NotFoundException);
  });

  it("recovers an endpoint's dead letters since a time, and the tenant's of one type", async () => {
    const endpoint = await endpointFor(A);
    const since = new Date();
    receiver.script(respond(400), respond(400), respond(400));
    const failed = [await settledEvent(await publish(), DeliveryStatus.Failed), await settledEvent(await publish(), DeliveryStatus.Failed)];

    expect(await deliveries.recoverEndpoint(endpoint.id, since, A)).toEqual({ count: 2 });
    for (const delivery of failed) await waitFor(async () => [DeliveryStatus.Succeeded, DeliveryStatus.Failed].includes((await deliveries.getDelivery(delivery.id, A)).status) || null);
    // The receiver refused one of the two again: recovery by type sends it once more.
    expect(await deliveries.recoverDeliveries({ ...A, since, eventType: 'invoice.paid' })).toEqual({ count: 1, skipped: 0 });
    for (const delivery of failed) await settled(delivery.id, DeliveryStatus.Succeeded);
    expect(await deliveries.recoverDeliveries({ ...A, since })).toEqual({ count: 0, skipped: 0 });

    await endpoints.update(endpoint.id, { status: EndpointStatus.Disabled }, A);
    await expect(deliveries.recoverEndpoint(endpoint.id, since, A)).rejects.toBeInstanceOf(ConflictException);
  });

  it("keeps tenants apart: another tenant's ids are not found, its lists are empty; no tenant is a scope of its own", async () => {
    const endpoint = await endpointFor(A);
    const eventId = await publish(A);
    const delivery = await settledEvent(eventId, DeliveryStatus.Succeeded);

    await expect(deliveries.getEvent(eventId, B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.getDelivery(delivery.id, B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.retryDelivery(delivery.id, B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.cancelDelivery(delivery.id, B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.replayEvent(eventId, B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.recoverEndpoint(endpoint.id, new Date(0), B)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.recoverDeliveries({ ...B, since: new Date(0), endpointId: endpoint.id })).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.cancelDeliveries({ ...B, endpointId: endpoint.id })).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.cancelDeliveries({ ...B, eventId })).rejects.toBeInstanceOf(NotFoundException);
    expect((await deliveries.retryDeliveries([delivery.id], B)).data).toEqual([{ deliveryId: delivery.id, status: null, error: `delivery ${delivery.id} not found` }]);
    expect(await deliveries.listDeliveries({ ...B, eventId, includeTotal: true })).toEqual({ data: [], nextCursor: null, total: 0 });
    expect((await deliveries.listEvents({ ...B, deliveryId: delivery.id })).data).toEqual([]);
    expect((await api.as('key-tenant-b').get(`/deliveries/${delivery.id}`)).status).toBe(404);

    await endpointFor({}, '/untenanted');
    const untenanted = await publish({});
    await receiver.waitForRequests(2);
    expect((await deliveries.listEvents()).data.map((event) => event.id)).toEqual([untenanted]);
    expect((await deliveries.listEvents({ ...A, eventId })).data.map((event) => event.id)).toEqual([eventId]);
    expect((await deliveries.listEvents({ ...A, eventId: untenanted })).data).toEqual([]);
    await expect(deliveries.getEvent(untenanted, A)).rejects.toBeInstanceOf(NotFoundException);
    await expect(deliveries.getEvent(eventId)).rejects.toBeInstanceOf(NotFoundException);
  });
});
