import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException, type INestApplication } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DeliveriesService, DeliveryStatus, EndpointsService, WebhooksService, type DeliveryDetail } from 'nestjs-webhooks';
// The worker itself, to run the attempt a queued job would run for a delivery, when the test says.
import { DeliveryWorker } from '../libs/webhooks/src/delivery/delivery.worker';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// Cancel: waiting deliveries end cancelled and are never sent; one being attempted is refused
// (the attempt goes on and is recorded), so a cancel never races the worker's write.

const A = { tenantId: 'tenant-a' };
const B = { tenantId: 'tenant-b' };

describe.each(BACKEND_ROWS)('cancelling deliveries on %s', (_label, backendFactory) => {
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
    for (const endpoint of await endpoints.list(A)) await endpoints.remove(endpoint.id, A);
  });

  const endpointFor = (input: { timeoutMs?: number; retryAfterMs?: number } = {}) =>
    endpoints.create({ ...A, url: receiver.endpoint(), eventTypes: ['invoice.paid'], timeoutMs: input.timeoutMs, retrySchedule: { delaysMs: [0, input.retryAfterMs ?? 50] } });
  const publish = async () => (await app.get(WebhooksService).publish('invoice.paid', { n: 1 }, A)).eventId!;
  const deliveryOf = (eventId: string) => waitFor(async () => (await deliveries.listDeliveries({ ...A, eventId })).data[0], { what: `the delivery of ${eventId}` });
  const settled = (deliveryId: string, status: DeliveryStatus) =>
    waitFor(async () => {
      const delivery = await deliveries.getDelivery(deliveryId, A);
      return delivery.status === status ? delivery : null;
    }, { what: `delivery ${deliveryId} ${status}` });
  /** Answered 500 once: waiting (retrying) for its second attempt. */
  const waitingForRetry = async (): Promise<DeliveryDetail> => {
    receiver.script(respond(500));
    const delivery = await deliveryOf(await publish());
    return settled(delivery.id, DeliveryStatus.Retrying);
  };
  const sentEventIds = () => receiver.requests.map((request) => request.headers['webhook-id']);

  it("cancels an endpoint's waiting deliveries: none is sent afterwards, even once due and attempted, and each can be retried by hand", async () => {
    const endpoint = await endpointFor({ retryAfterMs: 1_000 });
    const waiting = [await waitingForRetry(), await waitingForRetry(), await waitingForRetry()];

    expect(await deliveries.cancelDeliveries({ ...A, endpointId: endpoint.id })).toEqual({ cancelled: 3, beingAttempted: 0 });
    for (const { id } of waiting) {
      expect(await deliveries.getDelivery(id, A)).toEqual(
        expect.objectContaining({ status: DeliveryStatus.Cancelled, lastError: 'cancelled by request', nextAttemptAt: null, completedAt: expect.any(Date), attemptCount: 1 }),
      );
    }
    // Past the time their second attempts were due, the queue's jobs for them run (and the worker is made to try each).
    const due = Math.max(...waiting.map((delivery) => delivery.nextAttemptAt!.getTime()));
    await waitFor(() => Date.now() > due, { what: 'the retries to be due' });
    for (const { id } of waiting) await app.get(DeliveryWorker).attempt(id);
    const sentinel = await publish();
    await receiver.waitForRequests(4);
    expect(sentEventIds()).toEqual([...waiting.map((delivery) => delivery.eventId), sentinel]);
    for (const { id } of waiting) expect((await deliveries.getDelivery(id, A)).status).toBe(DeliveryStatus.Cancelled);

    expect(await deliveries.retryDelivery(waiting[0].id, A)).toEqual({ deliveryId: waiting[0].id, status: DeliveryStatus.Pending });
    expect((await settled(waiting[0].id, DeliveryStatus.Succeeded)).attempts.map((attempt) => attempt.responseStatus)).toEqual([500, 200]);
  });

  it("cancels one delivery or an event's, through the service and the REST API; refuses what is finished and another tenant's", async () => {
    await endpointFor({ retryAfterMs: 600_000 });
    const [one, two, three] = [await waitingForRetry(), await waitingForRetry(), await waitingForRetry()];

    expect(await deliveries.cancelDelivery(one.id, A)).toEqual({ deliveryId: one.id, status: DeliveryStatus.Cancelled });
    expect(await deliveries.cancelDelivery(one.id, A)).toEqual({ deliveryId: one.id, status: DeliveryStatus.Cancelled });
    expect(await api.post(`/deliveries/${two.id}/cancel`)).toEqual(expect.objectContaining({ status: 200, body: { deliveryId: two.id, status: DeliveryStatus.Cancelled } }));
    expect(await deliveries.cancelDeliveries({ ...A, eventId: three.eventId })).toEqual({ cancelled: 1, beingAttempted: 0 });
    expect((await api.post('/deliveries/cancel', { eventId: three.eventId })).body).toEqual({ cancelled: 0, beingAttempted: 0 });
    expect((await deliveries.getDelivery(three.id, A)).status).toBe(DeliveryStatus.Cancelled);

    await expect(deliveries.cancelDelivery(one.id, B)).rejects.toBeInstanceOf(NotFoundException);
    expect((await api.as('key-tenant-b').post(`/deliveries/${one.id}/cancel`)).status).toBe(404);
    expect((await api.as('key-tenant-b').post('/deliveries/cancel', { endpointId: one.endpointId })).status).toBe(404);
    expect((await api.post('/deliveries/cancel', {})).status).toBe(400);
    expect((await api.post('/deliveries/cancel', { endpointId: 'not-a-uuid' })).status).toBe(400);

    await deliveries.retryDelivery(one.id, A);
    await settled(one.id, DeliveryStatus.Succeeded);
    await expect(deliveries.cancelDelivery(one.id, A)).rejects.toThrow(new ConflictException('delivery already succeeded: nothing to cancel'));
    expect((await api.post(`/deliveries/${one.id}/cancel`)).status).toBe(409);
  });

  it('refuses to cancel a delivery being attempted right now; the attempt ends and is recorded as if no cancel came', async () => {
    const held: ServerResponse[] = [];
    receiver.script((_request, response) => {
      held.push(response);
      return 'handled';
    });
    const endpoint = await endpointFor({ timeoutMs: 15_000 });
    const eventId = await publish();
    await receiver.waitForRequests(1);
    const delivery = await deliveryOf(eventId);
    expect((await deliveries.getDelivery(delivery.id, A)).status).toBe(DeliveryStatus.Delivering);

    await expect(deliveries.cancelDelivery(delivery.id, A)).rejects.toThrow(new ConflictException('delivery is being attempted right now: cancel it once the attempt ends'));
    expect((await api.post(`/deliveries/${delivery.id}/cancel`)).status).toBe(409);
    expect(await deliveries.cancelDeliveries({ ...A, endpointId: endpoint.id })).toEqual({ cancelled: 0, beingAttempted: 1 });
    expect(await deliveries.cancelDeliveries({ ...A, eventId })).toEqual({ cancelled: 0, beingAttempted: 1 });

    held[0].writeHead(200).end('ok');
    const done = await settled(delivery.id, DeliveryStatus.Succeeded);
    expect(done).toEqual(expect.objectContaining({ attemptCount: 1, lastStatusCode: 200, lastError: null }));
    expect(done.attempts.map((attempt) => attempt.responseStatus)).toEqual([200]);
  });

  it('a cancel racing the dispatcher either wins (nothing sent, ever) or is refused (the delivery is sent once)', async () => {
    await endpointFor();
    const outcomes: Array<{ deliveryId: string; eventId: string; cancelled: boolean }> = [];
    for (let i = 0; i < 6; i += 1) {
      const eventId = await publish();
      const { id } = await deliveryOf(eventId);
      const cancelled = await deliveries.cancelDelivery(id, A).then(
        () => true,
        (error: unknown) => {
          if (!(error instanceof ConflictException)) throw error;
          return false;
        },
      );
      outcomes.push({ deliveryId: id, eventId, cancelled });
    }
    for (const outcome of outcomes.filter((o) => o.cancelled)) await app.get(DeliveryWorker).attempt(outcome.deliveryId);
    for (const outcome of outcomes.filter((o) => !o.cancelled)) {
      expect((await settled(outcome.deliveryId, DeliveryStatus.Succeeded)).attempts).toHaveLength(1);
    }
    for (const outcome of outcomes.filter((o) => o.cancelled)) {
      expect(await deliveries.getDelivery(outcome.deliveryId, A)).toEqual(expect.objectContaining({ status: DeliveryStatus.Cancelled, attempts: [] }));
    }
    const sentinel = await publish();
    await waitFor(() => sentEventIds().includes(sentinel), { what: 'the last event sent' });
    expect(sentEventIds().sort()).toEqual([...outcomes.filter((o) => !o.cancelled).map((o) => o.eventId), sentinel].sort());
  });
});
