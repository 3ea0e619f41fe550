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
import { createPostgresDatabase } from './support/services';
import { waitFor } from './support/wait-for';

// The monitoring charts in headless Chromium: a failure shows when the attempt failed, not
// when its delivery was created; the time axis ends where the window ends; attempts are broken
// down by status code and by event type.

const HOUR = 60;

describe('dashboard: charts by attempt time', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let dashboard: string;
  let endpointId: string;

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    app = await startDashboardApp({ type: 'postgres', url: database.url });
    endpointId = (await (await ApiClient.of(app, 'key-tenant-a')).post('/endpoints', { url: 'http://127.0.0.1:9/charted', eventTypes: ['*'] })).body.id;
    await seedDeliveries(app.get(DataSource), [
      // Created 20 hours ago, failed for good 30 minutes ago.
      { endpointId, tenantId: 'tenant-a', status: DeliveryStatus.Failed, createdAt: minutesAgo(20 * HOUR), attempts: [{ startedAt: minutesAgo(30), durationMs: 800, responseStatus: 503 }] },
      { endpointId, tenantId: 'tenant-a', status: DeliveryStatus.Succeeded, createdAt: minutesAgo(25), attempts: [{ startedAt: minutesAgo(25), durationMs: 40, responseStatus: 200 }] },
      { endpointId, tenantId: 'tenant-a', eventType: 'invoice.created', status: DeliveryStatus.Succeeded, createdAt: minutesAgo(10 * HOUR), attempts: [{ startedAt: minutesAgo(10 * HOUR), durationMs: 60, responseStatus: 200 }] },
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
    await database?.drop();
  });

  const chart = (title: string) => page.locator('figure.chart-box', { hasText: title }).locator('svg');
  const axisTime = async (title: string, end: 'start' | 'end') => new Date((await chart(title).locator(`.axis-${end}`).getAttribute('data-time'))!).getTime();

  it('draws the failure in the last hour, when the attempt was made, by status code', async () => {
    await page.goto(`${dashboard}#/monitoring?hours=24`);
    await chart('Attempts by status').waitFor();
    // 24 buckets of an hour: the failure and the success of the last half hour share the last one.
    await expect(chart('Attempts answered 2xx').getAttribute('aria-label')).resolves.toContain('success: latest 50.0 %');
    const bars = await chart('Attempts by status').locator('rect.bar.tone-s5xx').evaluateAll((rects) => rects.map((rect) => Number(rect.getAttribute('x'))));
    expect(bars).toHaveLength(1);
    expect(bars[0]).toBeGreaterThan(560);
    await expect(chart('Attempts by status').locator('rect.bar.tone-s2xx').count()).resolves.toBe(2);
    await expect(page.locator('tr[data-event-type="invoice.paid"]').textContent()).resolves.toBe('invoice.paid250.0 %');
    await expect(page.locator('tr[data-event-type="invoice.created"]').textContent()).resolves.toBe('invoice.created1100.0 %');
    await screenshot(page, 'dashboard-charts-by-attempt');
  });

  it.each([1, 24, 168])('ends the time axis of a %i-hour window at its end, not at the start of its last bucket', async (hours) => {
    await page.goto(`${dashboard}#/monitoring?hours=${hours}`);
    // The view of this window is drawn (each case's window differs from the one before).
    await waitFor(async () => (await page.locator('#main[aria-busy="false"] select[name=hours]').inputValue()) === String(hours), { what: `the ${hours}-hour view` });
    const start = await axisTime('Latency', 'start');
    const end = await axisTime('Latency', 'end');
    expect(end - start).toBe(hours * 3_600_000);
    expect(Math.abs(end - Date.now())).toBeLessThan(60_000);
  });

  it('charts one endpoint by attempt time on its own page', async () => {
    await page.goto(`${dashboard}#/endpoints/${endpointId}`);
    await chart('Attempts by status').waitFor();
    await expect(chart('Attempts by status').locator('rect.bar.tone-s5xx').count()).resolves.toBe(1);
  });
});
