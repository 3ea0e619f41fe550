import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { WebhooksPortal } from 'nestjs-webhooks/api';
import { ApiClient } from './support/api-fixture';
import { launchChromium, loopbackContext, screenshot, startDashboardApp } from './support/browser';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase } from './support/services';
import { waitFor } from './support/wait-for';

// Payloads in the dashboard, in headless Chromium against PostgreSQL and Redis: the event list
// and its search, the exact body and headers a receiver got, replay, and sending the catalog's
// example of a chosen type.

const INVOICE_EXAMPLE = { invoiceId: 'inv_example', amount: 4200, currency: 'EUR' };

describe('dashboard: events, payloads and replay', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let receiver: TestReceiver;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;
  let dashboard: string;
  let endpointId: string;
  const published: Record<string, string> = {};

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    app = await startDashboardApp(
      { type: 'postgres', url: database.url },
      { eventTypes: ['payment.verified', 'invoice.created', { name: 'invoice.paid', description: 'An invoice was paid.', example: INVOICE_EXAMPLE }] },
    );
    api = await ApiClient.of(app, 'key-tenant-a');
    endpointId = (await api.post('/endpoints', { url: receiver.endpoint('/events'), eventTypes: ['*'] })).body.id;
    for (const [type, data] of [['payment.verified', { paymentId: 'p_1', amount: 1250 }], ['invoice.created', { invoiceId: 'inv_7' }], ['invoice.paid', { invoiceId: 'inv_7', paid: true }]] as const) {
      published[type] = (await api.post('/events', { type, data })).body.eventId;
    }
    await receiver.waitForRequests(3);
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    dashboard = `${baseUrl}/webhooks/dashboard`;
    page = await (await loopbackContext(browser)).newPage();
    await page.goto(app.get(WebhooksPortal).createLink({ tenantId: 'tenant-a', baseUrl }).url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.close();
    await database?.drop();
  });

  const rows = () => page.locator('tr[data-event]');

  it('lists events with how their deliveries stand, and finds one by event id, by delivery id, by type and by date', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    await expect(page.locator('.page-summary').textContent()).resolves.toBe('Showing 3 of 3');
    await expect(page.locator(`tr[data-event="${published['invoice.paid']}"] .summary`).textContent()).resolves.toBe('1 · 1 succeeded · 0 failed · 0 waiting');
    await screenshot(page, 'dashboard-events');

    await page.getByLabel('Event id').fill(published['payment.verified']);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/eventId=/);
    await waitFor(async () => (await rows().count()) === 1 && (await rows().first().getAttribute('data-event')) === published['payment.verified'], { what: 'the event found by id' });

    const delivery = (await api.get(`/deliveries?eventId=${published['invoice.created']}`)).body.data[0];
    await page.getByLabel('Event id').fill('');
    await page.getByLabel('Delivery id').fill(delivery.id);
    await page.getByRole('button', { name: 'Search' }).click();
    await waitFor(async () => (await rows().first().getAttribute('data-event')) === published['invoice.created'] && (await rows().count()) === 1, { what: 'the event of a delivery' });

    await page.getByLabel('Delivery id').fill('');
    await page.getByLabel('Type').selectOption('invoice.paid');
    await page.getByRole('button', { name: 'Search' }).click();
    await waitFor(async () => (await rows().first().getAttribute('data-event')) === published['invoice.paid'] && (await rows().count()) === 1, { what: 'the events of a type' });

    const tomorrow = new Date(Date.now() + 86_400_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Type').selectOption('');
    await page.getByLabel('From').fill(tomorrow);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Nothing here yet.').waitFor();

    await page.getByLabel('From').fill('');
    await page.getByLabel('Event id').fill('not-an-id');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('[data-field="eventId"] .field-error').getByText('eventId must be a UUID').waitFor();
  });

  it('shows the exact body and the headers as signed that the receiver got', async () => {
    const received = receiver.requests.find((request) => request.headers['webhook-id'] === published['payment.verified'])!;
    await page.goto(`${dashboard}#/events/${published['payment.verified']}`);
    await page.getByRole('heading', { name: 'Event' }).waitFor();
    await expect(page.locator('.payload').textContent()).resolves.toBe(JSON.stringify({ paymentId: 'p_1', amount: 1250 }, null, 2));
    await page.locator('tr[data-delivery]').getByRole('link', { name: 'Details' }).click();
    await page.getByRole('heading', { name: 'Delivery' }).waitFor();
    await expect(page.locator('.request-body').textContent()).resolves.toBe(received.body);
    await page.locator('.attempts summary').first().click();
    const signature = page.locator('.attempt .headers dt', { hasText: /^webhook-signature$/ }).locator('xpath=following-sibling::dd[1]');
    await expect(signature.textContent()).resolves.toBe(received.headers['webhook-signature']);
    await screenshot(page, 'dashboard-delivery-payload');
  });

  it('replays an event from its page: a new delivery with the same body and webhook-id', async () => {
    await page.goto(`${dashboard}#/events/${published['invoice.paid']}`);
    await page.getByRole('heading', { name: 'Event' }).waitFor();
    const before = receiver.requests.length;
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Sent again: 1 new delivery.').waitFor();
    await waitFor(async () => (await page.locator('tr[data-delivery]').count()) === 2, { what: 'the replayed delivery in the list' });
    const [again] = await receiver.waitForRequests(before + 1).then((requests) => requests.slice(before));
    const first = receiver.requests.find((request) => request.headers['webhook-id'] === published['invoice.paid'])!;
    expect(again.headers['webhook-id']).toBe(published['invoice.paid']);
    expect(again.body).toBe(first.body);
  });

  it("sends the catalog's example of a chosen type from the endpoint page", async () => {
    await page.goto(`${dashboard}#/endpoints/${endpointId}`);
    await page.getByRole('button', { name: 'Send test event' }).waitFor();
    await page.getByLabel('Event to send').selectOption('invoice.paid');
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('heading', { name: 'Test succeeded' }).waitFor();
    await expect(page.locator('.test-result').textContent()).resolves.toContain('invoice.paid: status 200');
    const sent = JSON.parse(receiver.requests.at(-1)!.body);
    expect(sent).toMatchObject({ type: 'invoice.paid', data: INVOICE_EXAMPLE });
  });
});
