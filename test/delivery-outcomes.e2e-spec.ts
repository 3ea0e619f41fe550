import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { DeliveryStatus, EndpointsService, EndpointStatus, WebhookAttempt, WebhookDelivery, WebhookNotifications, WebhooksService, publicKeyOf } from 'nestjs-webhooks';
import { verifyWebhook } from 'nestjs-webhooks/receiver';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { startFixtureApp } from './support/fixture-app';
import { hang, respond, TestReceiver } from './support/receiver';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { waitFor } from './support/wait-for';

describe.each(BACKEND_ROWS)('delivery outcomes on %s, receiver on loopback', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let webhooks: WebhooksService;
  let endpoints: EndpointsService;
  let dataSource: DataSource;
  const notifications: Array<{ name: string; payload: any }> = [];
  // Each test has its own tenant, so endpoints of earlier tests never receive its events.
  let tenantId: string;
  let tenantCounter = 0;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: { timeoutMs: 500, failureThresholds: [3], pollIntervalMs: 100 },
    });
    webhooks = app.get(WebhooksService);
    endpoints = app.get(EndpointsService);
    dataSource = app.get(DataSource);
    app.get(EventEmitter2).onAny((name, payload) => notifications.push({ name: String(name), payload }));
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    receiver = await TestReceiver.start();
    notifications.length = 0;
    tenantId = `tenant-${++tenantCounter}`;
  });

  afterEach(async () => {
    await receiver.close();
  });

  const deliveryOf = (eventId: string) => dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId });
  const attemptsOf = (deliveryId: string) =>
    dataSource.getRepository(WebhookAttempt).find({ where: { deliveryId }, order: { number: 'ASC' } });
  const settled = (eventId: string, status: DeliveryStatus) =>
    waitFor(async () => (await deliveryOf(eventId)).status === status, { what: `delivery ${status}` });

  async function subscribe(types = ['payment.verified']) {
    return endpoints.create({ url: receiver.endpoint(), eventTypes: types, tenantId });
  }

  it('delivers a signed envelope that verifies with standardwebhooks and with ours', async () => {
    const endpoint = await subscribe();
    const { eventId, deliveryCount } = await webhooks.publish('payment.verified', { paymentId: 'p1', amount: 42 }, { tenantId });
    expect(deliveryCount).toBe(1);
    const [request] = await receiver.waitForRequests(1);

    const envelope = JSON.parse(request.body);
    expect(envelope).toEqual({ id: eventId, type: 'payment.verified', timestamp: expect.any(String), data: { paymentId: 'p1', amount: 42 } });
    expect(request.headers['webhook-id']).toBe(eventId);
    expect(request.headers['x-webhook-event']).toBe('payment.verified');
    expect(request.headers['content-type']).toBe('application/json');

    const headers = request.headers as Record<string, string>;
    expect(new Webhook(endpoint.secret).verify(request.body, headers)).toEqual(envelope);
    expect(verifyWebhook(request.body, headers, endpoint.secret).payload).toEqual(envelope);

    expect(() => verifyWebhook(request.body.replace('42', '43'), headers, endpoint.secret)).toThrow('no signature matches');
    expect(() => new Webhook(endpoint.secret).verify(request.body.replace('42', '43'), headers)).toThrow();
    const stale = { ...headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) };
    expect(() => verifyWebhook(request.body, stale, endpoint.secret)).toThrow('too old');
    expect(() => new Webhook(endpoint.secret).verify(request.body, stale)).toThrow();

    await settled(eventId!, DeliveryStatus.Succeeded);
    const delivery = await deliveryOf(eventId!);
    expect(delivery).toMatchObject({ attemptCount: 1, lastStatusCode: 200 });
    expect(delivery.deliveredAt).toBeInstanceOf(Date);
    const [attempt] = await attemptsOf(delivery.id);
    expect(attempt.requestHeaders['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.stringify(attempt.requestHeaders)).not.toContain(endpoint.secret.slice(6));
  });

  it('signs with ed25519 (v1a) for an ed25519 endpoint, and adds the legacy header when asked', async () => {
    const endpoint = await endpoints.create({ url: receiver.endpoint(), eventTypes: ['payment.verified'], tenantId, signatureScheme: 'ed25519' });
    const legacy = await endpoints.create({ url: receiver.endpoint('/legacy'), eventTypes: ['payment.verified'], tenantId, legacySignatureHeader: true });
    await webhooks.publish('payment.verified', { n: 1 }, { tenantId });
    const requests = await receiver.waitForRequests(2);
    const signed = requests.find((r) => r.path === '/hook')!;
    const [scheme, signature] = String(signed.headers['webhook-signature']).split(',');
    expect(scheme).toBe('v1a');
    const publicKey = publicKeyOf(endpoint.secret);
    expect(publicKey).toMatch(/^whpk_/);
    const content = `${signed.headers['webhook-id']}.${signed.headers['webhook-timestamp']}.${signed.body}`;
    // The raw 32-byte ed25519 key, wrapped in its standard SPKI header for Node's crypto.
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey.slice('whpk_'.length), 'base64')]);
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(content), key, Buffer.from(signature, 'base64'))).toBe(true);
    expect(verifyWebhook(signed.body, signed.headers as Record<string, string>, publicKey).payload).toMatchObject({ data: { n: 1 } });

    const withLegacy = requests.find((r) => r.path === '/legacy')!;
    // Keyed with the secret string as the customer holds it, as receivers of that convention do.
    const expected = createHmac('sha256', legacy.secret).update(withLegacy.body).digest('hex');
    expect(withLegacy.headers['x-webhook-signature']).toBe(`sha256=${expected}`);
    expect(signed.headers['x-webhook-signature']).toBeUndefined();
  });

  it('retries 500, 500 then succeeds at attempt 3 with identical bytes and three attempt rows', async () => {
    await subscribe();
    receiver.script(respond(500), respond(500, {}, 'still down'));
    const { eventId } = await webhooks.publish('payment.verified', { n: 1 }, { tenantId });
    const requests = await receiver.waitForRequests(3);
    await settled(eventId!, DeliveryStatus.Succeeded);

    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const delivery = await deliveryOf(eventId!);
    expect(delivery.attemptCount).toBe(3);
    const attempts = await attemptsOf(delivery.id);
    expect(attempts.map((a) => a.responseStatus)).toEqual([500, 500, 200]);
    expect(attempts[1].responseBody).toBe('still down');
  });

  it('fails permanently on 400 after one attempt and reports the dead letter', async () => {
    const endpoint = await subscribe();
    receiver.script(respond(400, {}, 'bad'));
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Failed);
    const delivery = await deliveryOf(eventId!);
    expect(delivery.attemptCount).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    await waitFor(() => notifications.some((n) => n.name === WebhookNotifications.deliveryDeadLettered));
    expect(notifications.find((n) => n.name === WebhookNotifications.deliveryDeadLettered)?.payload).toMatchObject({
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      attempts: 1,
      lastStatusCode: 400,
    });
  });

  it('dead-letters after the last scheduled attempt and tells the host of the failure streak', async () => {
    const endpoint = await subscribe();
    receiver.otherwise(respond(503));
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Failed);
    expect((await deliveryOf(eventId!)).attemptCount).toBe(4);
    expect(receiver.requests).toHaveLength(4);
    const failing = notifications.filter((n) => n.name === WebhookNotifications.endpointFailing);
    expect(failing.map((n) => n.payload.consecutiveFailures)).toEqual([3]);
    expect(failing[0].payload.endpointId).toBe(endpoint.id);
  });

  it('honours Retry-After on 429', async () => {
    await subscribe();
    receiver.script(respond(429, { 'retry-after': '1' }));
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    const [first, second] = await receiver.waitForRequests(2);
    await settled(eventId!, DeliveryStatus.Succeeded);
    // The schedule alone would retry after 50 ms; the receiver asked for one second.
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('disables the endpoint on 410 and does not retry', async () => {
    const endpoint = await subscribe();
    receiver.script(respond(410));
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Failed);
    // The endpoint is disabled, and the host told, right after the attempt is recorded.
    await waitFor(() => notifications.some((n) => n.name === WebhookNotifications.endpointDisabled && n.payload.endpointId === endpoint.id), {
      what: 'the endpoint-disabled notification',
    });
    const after = await endpoints.get(endpoint.id, { tenantId });
    expect(after.status).toBe(EndpointStatus.Disabled);
    expect(after.disabledReason).toContain('410');
    expect(receiver.requests).toHaveLength(1);
    const { deliveryCount } = await webhooks.publish('payment.verified', {}, { tenantId });
    expect(deliveryCount).toBe(0);
  });

  it('records a timeout for a receiver that never answers, then retries', async () => {
    await subscribe();
    receiver.script(hang);
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Succeeded);
    const attempts = await attemptsOf((await deliveryOf(eventId!)).id);
    expect(attempts).toHaveLength(2);
    expect(attempts[0].responseStatus).toBeNull();
    expect(attempts[0].error).toMatch(/timeout/);
    expect(attempts[1].responseStatus).toBe(200);
  });

  it('does not follow a 302 redirect', async () => {
    await subscribe();
    receiver.script(respond(302, { location: `${receiver.url}/elsewhere` }));
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Succeeded);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/hook', '/hook']);
    const attempts = await attemptsOf((await deliveryOf(eventId!)).id);
    expect(attempts.map((a) => a.responseStatus)).toEqual([302, 200]);
  });

  it('reads at most 10 KB of a 5 MB response without reading it whole', async () => {
    await subscribe();
    let written = 0;
    let closedEarly = false;
    receiver.script((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const total = 5 * 1024 * 1024;
      response.on('close', () => (closedEarly = written < total));
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
      return 'handled';
    });
    const { eventId } = await webhooks.publish('payment.verified', {}, { tenantId });
    await settled(eventId!, DeliveryStatus.Succeeded);
    const [attempt] = await attemptsOf((await deliveryOf(eventId!)).id);
    expect(attempt.responseBody).toHaveLength(10 * 1024);
    await waitFor(() => closedEarly, { what: 'the sender to drop the connection' });
  });
});
