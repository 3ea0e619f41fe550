import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DeliveryStatus } from 'nestjs-webhooks';
import { WebhooksPortal } from 'nestjs-webhooks/api';
import { ApiClient } from './support/api-fixture';
import { launchChromium, loopbackContext, screenshot, startDashboardApp } from './support/browser';
import { minutesAgo, seedDeliveries } from './support/delivery-seed';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase } from './support/services';
import { waitFor } from './support/wait-for';

// The dead-letter queue after an outage, in headless Chromium against PostgreSQL and Redis:
// more than 100 dead letters, filters, a selection retried at once, and "retry all failed
// since…" with preset windows, each with its result on the page.

const DAY = 24 * 60;

describe('dashboard: dead letters and recovery', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let receiver: TestReceiver;
  let browser: Browser;
  let page: Page;
  let dashboard: string;
  const ids = { a: '', b: '', off: '' };

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    app = await startDashboardApp({ type: 'postgres', url: database.url });
    const api = await ApiClient.of(app, 'key-tenant-a');
    for (const name of ['a', 'b', 'off'] as const) ids[name] = (await api.post('/endpoints', { url: receiver.endpoint(`/${name}`), eventTypes: ['*'] })).body.id;
    await api.patch(`/endpoints/${ids.off}`, { status: 'disabled' });
    const failed = (endpointId: string, count: number, eventType: string, ageMinutes: (n: number) => number) =>
      Array.from({ length: count }, (_, n) => ({ endpointId, tenantId: 'tenant-a', eventType, status: DeliveryStatus.Failed, createdAt: minutesAgo(ageMinutes(n)), attempts: [{ startedAt: minutesAgo(ageMinutes(n)), durationMs: 30, responseStatus: 503 }] }));
    await seedDeliveries(app.get(DataSource), [
      ...failed(ids.a, 130, 'invoice.paid', (n) => 50 - n * 0.3),
      ...failed(ids.b, 20, 'payment.verified', (n) => 55 - n),
      ...failed(ids.a, 10, 'invoice.paid', (n) => 3 * DAY + n),
      ...failed(ids.off, 5, 'invoice.paid', (n) => 20 + n),
    ]);
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

  const summary = () => page.locator('.page-summary').textContent();
  const rows = () => page.locator('tr[data-delivery]');
  const received = (path: string) => receiver.requests.filter((request) => request.path === path).length;

  it('pages past 100 with a total; "Load more" goes once to the end and hides, no row twice', async () => {
    const pages: URLSearchParams[] = [];
    const onRequest = (request: { url(): string }) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith('/webhooks/deliveries') && url.searchParams.get('status') === 'failed') pages.push(url.searchParams);
    };
    page.on('request', onRequest);
    await page.getByRole('navigation').getByRole('link', { name: 'Dead letters' }).click();
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await expect(summary()).resolves.toBe('Showing 100 of 165');
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator('.page-summary', { hasText: 'Showing 165 of 165' }).waitFor();
    await expect(page.getByRole('button', { name: 'Load more' }).isHidden()).resolves.toBe(true);
    const shown = await rows().evaluateAll((elements) => elements.map((element) => element.getAttribute('data-delivery')));
    expect(shown).toHaveLength(165);
    expect(new Set(shown).size).toBe(165);
    // Two pages asked, the second after the first one's cursor: nothing fetched twice.
    page.off('request', onRequest);
    expect(pages.map((params) => params.has('cursor'))).toEqual([false, true]);
  });

  it('filters by endpoint (picked by search) and by event type', async () => {
    await page.locator('input[name=endpoint]').fill(receiver.endpoint('/b'));
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`endpointId=${ids.b}`));
    await page.locator('.page-summary', { hasText: 'Showing 20 of 20' }).waitFor();
    await page.goto(`${dashboard}#/failed?eventType=invoice.paid`);
    await page.locator('.page-summary', { hasText: 'Showing 100 of 145' }).waitFor();
  });

  it('retries a selection at once and says how it went', async () => {
    await page.goto(`${dashboard}#/failed?endpointId=${ids.b}`);
    await page.locator('.page-summary', { hasText: 'Showing 20 of 20' }).waitFor();
    for (const index of [0, 1, 2]) await rows().nth(index).locator('input.pick').check();
    await page.getByText('3 selected').waitFor();
    await screenshot(page, 'dashboard-dead-letters', { fullPage: false });
    await page.getByRole('button', { name: 'Retry selected' }).click();
    await page.getByText('Queued again: 3.').waitFor();
    await expect(rows().nth(0).locator('.status').textContent()).resolves.toBe('pending');
    await waitFor(() => received('/b') === 3, { what: 'the 3 retried deliveries at the receiver' });
  });

  it('retries every dead letter since a preset window, with the filters applied, and says what it left', async () => {
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.locator('.recover-result').getByText('Queued again: 17 deliveries.').waitFor();
    await waitFor(() => received('/b') === 20, { what: 'the rest of endpoint b' });

    await page.getByRole('navigation').getByRole('link', { name: 'Dead letters' }).click();
    await page.locator('.page-summary', { hasText: 'of 145' }).waitFor();
    await page.getByRole('button', { name: 'Last 24 hours' }).click();
    await page.locator('.recover-result').getByText('Queued again: 130 deliveries; left 5 whose endpoint is disabled or deleted.').waitFor();
    await waitFor(() => received('/a') === 130, { what: "endpoint a's last hour" });
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.locator('.recover-result').getByText('Queued again: 10 deliveries; left 5 whose endpoint is disabled or deleted.').waitFor();
    await waitFor(() => received('/a') === 140, { what: 'the older dead letters' });
    await screenshot(page, 'dashboard-recovery', { fullPage: false });
  });
});
