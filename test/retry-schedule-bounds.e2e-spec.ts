import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhooksService } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// Retry schedules that overflow (a delay of 1e308 ms, a cap that is not a number) once made
// "zombie" deliveries: the next attempt time was an invalid date, the attempt record failed,
// and the delivery stayed `delivering` with no attempt, sent again every lease, forever.
// They are refused at the API now, and a stored one no longer drives the worker.

const OVERFLOWING_SCHEDULES: Array<[string, unknown]> = [
  ['a delay of 1e308 ms', { delaysMs: [0, 1e308] }],
  ['a capMs that is not a number', { baseMs: 1000, maxAttempts: 3, capMs: 'soon' }],
  ['a baseMs of 1e308', { baseMs: 1e308, maxAttempts: 3 }],
  ['a growth that passes 7 days', { baseMs: 1000, factor: 10, maxAttempts: 12 }],
  ['delays adding up to over 30 days', { delaysMs: [0, 6048e5, 6048e5, 6048e5, 6048e5, 6048e5] }],
];

describe.each(BACKEND_ROWS)('retry schedule bounds on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let api: ApiClient;
  let receiver: TestReceiver;
  let dataSource: DataSource;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { circuitBreaker: false, autoDisable: false } });
    api = await ApiClient.of(app, 'key-tenant-a');
    dataSource = app.get(DataSource);
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
    for (const endpoint of (await api.get('/endpoints?limit=100')).body.data) await api.delete(`/endpoints/${endpoint.id}`);
  });

  it.each(OVERFLOWING_SCHEDULES)('POST /endpoints answers 400 to %s and stores nothing', async (_case, retrySchedule) => {
    const answer = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], retrySchedule });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/^retrySchedule: /);
    expect((await api.get('/endpoints')).body.data).toEqual([]);
  });

  it.each(OVERFLOWING_SCHEDULES)('PATCH /endpoints/:id answers 400 to %s and keeps the schedule', async (_case, retrySchedule) => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'], retrySchedule: { delaysMs: [0, 10] } });
    const answer = await api.patch(`/endpoints/${created.body.id}`, { retrySchedule });
    expect(answer.status).toBe(400);
    expect((await api.get(`/endpoints/${created.body.id}`)).body.retrySchedule).toEqual({ delaysMs: [0, 10] });
  });

  it('retries a delivery whose endpoint has an overflowing schedule stored on the module schedule, to the end', async () => {
    receiver.otherwise(respond(500));
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['invoice.paid'] });
    // A row written before the bounds existed, or past EndpointsService.
    await dataSource.getRepository(WebhookEndpoint).update(created.body.id, { retrySchedule: { delaysMs: [0, 1e308] } });
    const { eventId } = await app.get(WebhooksService).publish('invoice.paid', { n: 1 }, { tenantId: 'tenant-a' });
    const delivery = await waitFor(
      async () => {
        const row = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId: eventId! });
        return row.status === DeliveryStatus.Failed ? row : null;
      },
      { what: 'the delivery to fail after the module schedule' },
    );
    // The fixture's module schedule: four attempts.
    expect(delivery.attemptCount).toBe(4);
    expect(await dataSource.getRepository(WebhookAttempt).countBy({ deliveryId: delivery.id })).toBe(4);
    expect(receiver.requests).toHaveLength(4);
  });
});
