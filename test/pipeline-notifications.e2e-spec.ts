import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { DeliveryStatus, EndpointsService, WebhookChannels, WebhookDelivery, WebhookNotifications, WebhooksService, type WebhookNotificationName } from 'nestjs-webhooks';
import { DataSource } from 'typeorm';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { FakeDns } from './support/fake-dns';
import { startFixtureApp } from './support/fixture-app';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// Every step of the pipeline reaches the host twice, with one payload: as an EventEmitter2
// notification and on its node:diagnostics_channel channel.

interface Heard {
  name: string;
  payload: Record<string, unknown>;
}

const PUBLIC_ADDRESS = '93.184.216.34';
const CIRCUIT_COOLDOWN_MS = 300;

describe.each(BACKEND_ROWS)('pipeline notifications on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let dataSource: DataSource;
  const dns = new FakeDns();
  const emitted: Heard[] = [];
  const published: Heard[] = [];
  const channelListeners = Object.entries(WebhookChannels).map(([key, channel]) => {
    const name = WebhookNotifications[key as keyof typeof WebhookNotifications];
    return { channel, listener: (payload: unknown) => published.push({ name, payload: payload as Record<string, unknown> }) };
  });
  let tenant = 0;
  let tenantId: string;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: {
        outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8'], resolveHost: dns.resolve },
        retry: { delaysMs: [0, 50, 50, 50] },
        circuitBreaker: { failureThreshold: 2, cooldownMs: CIRCUIT_COOLDOWN_MS, maxCooldownMs: CIRCUIT_COOLDOWN_MS },
        failureThresholds: [2],
        autoDisable: false,
      },
    });
    dataSource = app.get(DataSource);
    app.get(EventEmitter2).onAny((name, payload) => emitted.push({ name: String(name), payload }));
    for (const { channel, listener } of channelListeners) subscribe(channel, listener);
    receiver = await TestReceiver.start();
  });

  afterAll(async () => {
    for (const { channel, listener } of channelListeners) unsubscribe(channel, listener);
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  afterEach(() => {
    emitted.length = 0;
    published.length = 0;
  });

  /** A tenant of its own per test, so that each sees only its own notifications. */
  async function endpoint(path: string, url = receiver.endpoint(path)) {
    tenantId = `notified-${++tenant}`;
    return app.get(EndpointsService).create({ tenantId, url, eventTypes: ['*'] });
  }
  const publish = async () => (await app.get(WebhooksService).publish('invoice.paid', { total: 12 }, { tenantId })).eventId!;
  const ofTenant = (name: WebhookNotificationName) => emitted.filter((heard) => heard.name === name && heard.payload.tenantId === tenantId).map((heard) => heard.payload);
  const heard = (name: WebhookNotificationName, count = 1) =>
    waitFor(() => (ofTenant(name).length >= count ? ofTenant(name) : null), { what: `${count} × ${name}` });
  const deliveryOf = (eventId: string) => dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId });

  /** The same payloads went to the diagnostics channels, in the same order. */
  function expectSameOnChannels(): void {
    const tenantOnly = (list: Heard[]) => list.filter((entry) => entry.payload.tenantId === tenantId);
    expect(tenantOnly(published)).toEqual(tenantOnly(emitted));
    expect(tenantOnly(published).length).toBeGreaterThan(0);
  }

  it('tells a delivered event: published, attempted, succeeded', async () => {
    const hooks = await endpoint('/delivered');
    const eventId = await publish();

    const [succeeded] = await heard(WebhookNotifications.deliverySucceeded);

    const delivery = await deliveryOf(eventId);
    const about = { deliveryId: delivery.id, eventId, eventType: 'invoice.paid', endpointId: hooks.id, tenantId };
    expect(ofTenant(WebhookNotifications.eventPublished)).toEqual([{ eventId, type: 'invoice.paid', tenantId, deliveryCount: 1 }]);
    expect(ofTenant(WebhookNotifications.deliveryAttempted)).toEqual([
      { ...about, attempt: 1, statusCode: 200, error: null, failure: null, durationMs: expect.any(Number), outcome: 'succeeded' },
    ]);
    expect(succeeded).toEqual({ ...about, attempts: 1, statusCode: 200, durationMs: expect.any(Number) });
    expect(emitted.filter((entry) => entry.payload.tenantId === tenantId).map((entry) => entry.name)).toEqual([
      WebhookNotifications.eventPublished,
      WebhookNotifications.deliveryAttempted,
      WebhookNotifications.deliverySucceeded,
    ]);
    expectSameOnChannels();
  });

  it('tells a retry with its next attempt, then the success after two attempts', async () => {
    receiver.script(respond(503));
    await endpoint('/retried');
    const eventId = await publish();

    const [succeeded] = await heard(WebhookNotifications.deliverySucceeded);

    const [scheduled] = ofTenant(WebhookNotifications.deliveryRetryScheduled);
    expect(scheduled).toMatchObject({ eventId, attempts: 1, lastStatusCode: 503, lastError: null, nextAttemptAt: expect.any(Date) });
    const [firstAttempt] = ofTenant(WebhookNotifications.deliveryAttempted);
    expect(firstAttempt).toMatchObject({ attempt: 1, statusCode: 503, outcome: 'retrying' });
    expect(succeeded).toMatchObject({ eventId, attempts: 2, statusCode: 200 });
    expect(ofTenant(WebhookNotifications.deliveryAttempted).map((attempt) => attempt.attempt)).toEqual([1, 2]);
    expectSameOnChannels();
  });

  it('tells a dead letter after a final 400', async () => {
    receiver.script(respond(400));
    const hooks = await endpoint('/refused');
    const eventId = await publish();

    const [deadLettered] = await heard(WebhookNotifications.deliveryDeadLettered);

    expect(deadLettered).toEqual({
      deliveryId: (await deliveryOf(eventId)).id,
      eventId,
      eventType: 'invoice.paid',
      endpointId: hooks.id,
      tenantId,
      attempts: 1,
      lastStatusCode: 400,
      lastError: null,
    });
    expect(ofTenant(WebhookNotifications.deliveryRetryScheduled)).toEqual([]);
    expectSameOnChannels();
  });

  it('tells the circuit opening at the threshold and closing once when the probe succeeds', async () => {
    receiver.script(respond(500), respond(500));
    const hooks = await endpoint('/flaky');
    const eventId = await publish();

    const [closed] = await heard(WebhookNotifications.circuitClosed);

    const [failing] = ofTenant(WebhookNotifications.endpointFailing);
    expect(failing).toMatchObject({ endpointId: hooks.id, consecutiveFailures: 2, failingSince: expect.any(Date) });
    const [opened] = ofTenant(WebhookNotifications.circuitOpened);
    expect(opened).toEqual({ endpointId: hooks.id, tenantId, consecutiveFailures: 2, openUntil: expect.any(Date) });
    expect(closed).toEqual({ endpointId: hooks.id, tenantId });
    const probe = ofTenant(WebhookNotifications.deliveryAttempted)[2];
    expect(probe).toMatchObject({ attempt: 3, statusCode: 200, outcome: 'succeeded' });
    expect((await deliveryOf(eventId)).status).toBe(DeliveryStatus.Succeeded);
    expect(ofTenant(WebhookNotifications.circuitOpened)).toHaveLength(1);
    expect(ofTenant(WebhookNotifications.circuitClosed)).toHaveLength(1);
    expectSameOnChannels();
  });

  it('tells an endpoint disabled by a 410 Gone, with the reason', async () => {
    receiver.script(respond(410));
    const hooks = await endpoint('/gone');
    await publish();

    const [disabled] = await heard(WebhookNotifications.endpointDisabled);

    expect(disabled).toEqual({ endpointId: hooks.id, tenantId, url: hooks.url, reason: 'the endpoint answered 410 Gone' });
    expect(ofTenant(WebhookNotifications.deliveryDeadLettered)).toHaveLength(1);
    expectSameOnChannels();
  });

  it('tells a destination the address policy blocked when connecting (DNS rebinding), naming the address and not the URL', async () => {
    const host = `rebind-${tenant + 1}.test`;
    dns.answer(host, PUBLIC_ADDRESS);
    const hooks = await endpoint('', `http://${host}:${new URL(receiver.url).port}/secret-token-in-path`);
    dns.answer(host, '10.0.0.1');
    const eventId = await publish();

    const [blocked] = await heard(WebhookNotifications.destinationBlocked);

    expect(blocked).toEqual({
      deliveryId: (await deliveryOf(eventId)).id,
      eventId,
      eventType: 'invoice.paid',
      endpointId: hooks.id,
      tenantId,
      attempt: 1,
      reason: expect.stringContaining(`refused to connect to ${host}: 10.0.0.1 is in a private range`),
    });
    expect(String(blocked.reason)).not.toContain('secret-token-in-path');
    expect(ofTenant(WebhookNotifications.deliveryAttempted)[0]).toMatchObject({ statusCode: null, failure: 'blocked' });
    expect(receiver.requests.filter((request) => request.path === '/secret-token-in-path')).toEqual([]);
    expectSameOnChannels();
  });

  it('keeps delivering and telling when a host listener throws', async () => {
    const emitter = app.get(EventEmitter2);
    const throwing = () => {
      throw new Error('listener bug');
    };
    emitter.on(WebhookNotifications.deliveryAttempted, throwing);
    try {
      await endpoint('/despite-listener');
      const eventId = await publish();
      await waitFor(async () => (await deliveryOf(eventId)).status === DeliveryStatus.Succeeded, { what: 'the delivery succeeded' });
      // The notifications after the one whose listener threw still went out.
      expect(await heard(WebhookNotifications.deliverySucceeded)).toHaveLength(1);
    } finally {
      emitter.off(WebhookNotifications.deliveryAttempted, throwing);
    }
  });
});
