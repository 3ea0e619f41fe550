import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, RetentionCleaner, WebhookAttempt, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { BACKEND_ROWS, type TestBackend } from './support/backends';

const DAY = 24 * 60 * 60 * 1000;

describe.each(BACKEND_ROWS)('retention cleanup on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({
      database: backend.database,
      withoutRedis: backend.withoutRedis,
      webhooks: { retention: { succeededDays: 90, failedDays: 120, batchSize: 2, intervalMs: 60 * 60_000 }, worker: false },
    });
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('removes what is old with its attempts and orphaned events, keeps what is not', async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const endpoint = await app.get(EndpointsService).create({ url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] });

    const rows: Array<{ label: string; status: DeliveryStatus; completedDaysAgo: number | null; eventDaysAgo: number }> = [
      { label: 'old success', status: DeliveryStatus.Succeeded, completedDaysAgo: 91, eventDaysAgo: 91 },
      { label: 'old success 2', status: DeliveryStatus.Succeeded, completedDaysAgo: 200, eventDaysAgo: 200 },
      { label: 'old success 3', status: DeliveryStatus.Succeeded, completedDaysAgo: 95, eventDaysAgo: 95 },
      { label: 'recent success', status: DeliveryStatus.Succeeded, completedDaysAgo: 89, eventDaysAgo: 89 },
      { label: 'old failure', status: DeliveryStatus.Failed, completedDaysAgo: 121, eventDaysAgo: 122 },
      { label: 'failure kept', status: DeliveryStatus.Failed, completedDaysAgo: 100, eventDaysAgo: 100 },
      { label: 'old cancelled', status: DeliveryStatus.Cancelled, completedDaysAgo: 130, eventDaysAgo: 130 },
      { label: 'old but still retrying', status: DeliveryStatus.Retrying, completedDaysAgo: null, eventDaysAgo: 150 },
    ];
    const ids = new Map<string, { eventId: string; deliveryId: string }>();
    for (const row of rows) {
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      ids.set(row.label, { eventId, deliveryId });
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId: null, data: { row: row.label } as object, idempotencyKey: null, createdAt: ago(row.eventDaysAgo) });
      await dataSource.getRepository(WebhookDelivery).insert({
        id: deliveryId,
        eventId,
        endpointId: endpoint.id,
        tenantId: null,
        eventType: 'invoice.paid',
        status: row.status,
        attemptCount: 1,
        nextAttemptAt: row.completedDaysAgo === null ? now : null,
        completedAt: row.completedDaysAgo === null ? null : ago(row.completedDaysAgo),
        createdAt: ago(row.eventDaysAgo),
        updatedAt: ago(row.eventDaysAgo),
      });
      await dataSource.getRepository(WebhookAttempt).insert({
        id: randomUUID(),
        deliveryId,
        number: 1,
        startedAt: ago(row.eventDaysAgo),
        durationMs: 5,
        requestHeaders: {},
        responseStatus: 500,
        responseHeaders: null,
        responseBody: null,
        error: null,
      });
    }
    // An event nobody subscribed to: old ones go, a recent one stays.
    const lonelyOld = randomUUID();
    const lonelyRecent = randomUUID();
    await dataSource.getRepository(WebhookEvent).insert({ id: lonelyOld, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, createdAt: ago(150) });
    await dataSource.getRepository(WebhookEvent).insert({ id: lonelyRecent, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, createdAt: ago(1) });

    const report = await app.get(RetentionCleaner).cleanOnce(now);
    expect(report).toEqual({ deliveries: 5, events: 6 });

    const removed = ['old success', 'old success 2', 'old success 3', 'old failure', 'old cancelled'];
    const kept = ['recent success', 'failure kept', 'old but still retrying'];
    const deliveryIds = (labels: string[]) => labels.map((label) => ids.get(label)!.deliveryId);
    const eventIds = (labels: string[]) => labels.map((label) => ids.get(label)!.eventId);
    const existing = async (entity: typeof WebhookDelivery | typeof WebhookEvent, list: string[]) =>
      (await Promise.all(list.map((id) => dataSource.getRepository(entity).existsBy({ id })))).filter(Boolean).length;

    expect(await existing(WebhookDelivery, deliveryIds(removed))).toBe(0);
    expect(await existing(WebhookDelivery, deliveryIds(kept))).toBe(kept.length);
    expect(await existing(WebhookEvent, eventIds(removed))).toBe(0);
    expect(await existing(WebhookEvent, eventIds(kept))).toBe(kept.length);
    expect(await dataSource.getRepository(WebhookEvent).existsBy({ id: lonelyOld })).toBe(false);
    expect(await dataSource.getRepository(WebhookEvent).existsBy({ id: lonelyRecent })).toBe(true);
    expect(await dataSource.getRepository(WebhookAttempt).count()).toBe(kept.length);

    expect(await app.get(RetentionCleaner).cleanOnce(now)).toEqual({ deliveries: 0, events: 0 });
  });
});
