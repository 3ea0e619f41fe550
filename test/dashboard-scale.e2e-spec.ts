import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, WebhookEndpoint } from 'nestjs-webhooks';
import { WebhooksPortal } from 'nestjs-webhooks/api';
import { launchChromium, loopbackContext, screenshot, startDashboardApp } from './support/browser';
import { minutesAgo, minutesFromNow, seedDeliveries, type SeedDelivery } from './support/delivery-seed';
import { createPostgresDatabase } from './support/services';
import { waitFor } from './support/wait-for';

// The dashboard over 150 endpoints and 5,000 deliveries (written straight into PostgreSQL), in
// headless Chromium: every list pages with its total and reaches the oldest rows, the figures
// of a page of endpoints come in one request, and delivery rows name their endpoint's URL
// past the first hundred endpoints. Each page's time is measured and printed, not asserted.

const ENDPOINTS = 150;
const DELIVERIES = 5_000;
const REFUNDS = 120;
const TYPES = ['payment.verified', 'invoice.created', 'invoice.paid'];

describe(`dashboard at ${ENDPOINTS} endpoints and ${DELIVERIES.toLocaleString('en')} deliveries`, () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let browser: Browser;
  let page: Page;
  let dashboard: string;
  /** Oldest first: endpoint n is http://127.0.0.1:9/ep-nnn. */
  const endpointIds: string[] = [];
  const apiRequests: string[] = [];
  const timings: Array<{ page: string; ms: number; slowestApi: { path: string; ms: number } }> = [];

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    app = await startDashboardApp({ type: 'postgres', url: database.url });
    const endpoints = app.get(EndpointsService);
    for (let n = 0; n < ENDPOINTS; n++) {
      endpointIds.push((await endpoints.create({ tenantId: 'tenant-a', url: `http://127.0.0.1:9/ep-${String(n).padStart(3, '0')}`, eventTypes: ['*'] })).id);
    }
    // Ten endpoints behind an open circuit; their waiting deliveries are held.
    await app.get(DataSource).getRepository(WebhookEndpoint).update(endpointIds.slice(0, 10), { consecutiveFailures: 7, failingSince: minutesAgo(90), circuitOpenUntil: minutesFromNow(10) });
    const deliveries: SeedDelivery[] = Array.from({ length: DELIVERIES }, (_, n) => {
      const endpointId = endpointIds[n % ENDPOINTS];
      const createdAt = minutesAgo(20 * 60 - n * 0.2);
      const eventType = n < REFUNDS ? 'payment.refunded' : TYPES[n % TYPES.length];
      if (n % 25 === 1) return { endpointId, tenantId: 'tenant-a', eventType, status: DeliveryStatus.Retrying, createdAt, nextAttemptAt: minutesFromNow(10 + (n % 50)), attempts: [{ startedAt: createdAt, durationMs: 900, responseStatus: 503 }] };
      const failed = n % 12 === 0;
      return { endpointId, tenantId: 'tenant-a', eventType, status: failed ? DeliveryStatus.Failed : DeliveryStatus.Succeeded, createdAt, attempts: [{ startedAt: createdAt, durationMs: 20 + (n % 300), responseStatus: failed ? 400 : 200 }] };
    });
    await seedDeliveries(app.get(DataSource), deliveries);
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    dashboard = `${baseUrl}/webhooks/dashboard`;
    page = await (await loopbackContext(browser)).newPage();
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (!path.includes('/dashboard')) apiRequests.push(path);
    });
    await page.goto(app.get(WebhooksPortal).createLink({ tenantId: 'tenant-a', baseUrl }).url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    // eslint-disable-next-line no-console -- the measured timings are this suite's report
    console.log(
      `Dashboard pages at ${ENDPOINTS} endpoints / ${DELIVERIES} deliveries (PostgreSQL), from navigation to complete:\n` +
        timings.map((t) => `  ${t.page.padEnd(30)} ${String(t.ms).padStart(5)} ms; slowest API answer ${t.slowestApi.ms} ms (${t.slowestApi.path})`).join('\n'),
    );
    await browser?.close();
    await app?.close();
    await database?.drop();
  });

  /**
   * Loads a page from scratch (document, scripts, API calls) and waits until it is complete;
   * records how long that took and its slowest API answer.
   */
  async function timed(name: string, hash: string, ready: () => Promise<unknown>): Promise<void> {
    await page.goto('about:blank');
    const started = Date.now();
    await page.goto(`${dashboard}#${hash}`);
    await ready();
    const ms = Date.now() - started;
    const api = await page.evaluate(() =>
      performance.getEntriesByType('resource').filter((entry) => !entry.name.includes('/dashboard/')).map((entry) => ({ path: new URL(entry.name).pathname.replace(/[0-9a-f-]{36}/g, ':id'), ms: Math.round(entry.duration) })),
    );
    timings.push({ page: name, ms, slowestApi: api.reduce((slowest, entry) => (entry.ms > slowest.ms ? entry : slowest), { path: '-', ms: 0 }) });
  }

  const summary = (text: string) => page.locator('.page-summary', { hasText: text }).waitFor();
  const allRatesFilled = () => waitFor(async () => (await page.locator('td.rate', { hasText: '…' }).count()) === 0, { what: 'the figures of every row' });

  it('pages through every endpoint with a total, the figures of each page in one request', async () => {
    apiRequests.length = 0;
    await timed('endpoints, first page', '/endpoints', async () => {
      await summary(`Showing 50 of ${ENDPOINTS}`);
      await allRatesFilled();
    });
    await page.getByRole('button', { name: 'Load more' }).click();
    await summary(`Showing 100 of ${ENDPOINTS}`);
    await page.getByRole('button', { name: 'Load more' }).click();
    await summary(`Showing ${ENDPOINTS} of ${ENDPOINTS}`);
    await allRatesFilled();
    await expect(page.getByRole('button', { name: 'Load more' }).isHidden()).resolves.toBe(true);
    await page.locator(`tr[data-endpoint="${endpointIds[0]}"]`).getByText('http://127.0.0.1:9/ep-000').waitFor();
    await expect(page.locator(`tr[data-endpoint="${endpointIds[0]}"] .health`).textContent()).resolves.toContain('circuit open');
    expect(apiRequests.filter((path) => path.endsWith('/endpoints/stats'))).toHaveLength(3);
    expect(apiRequests.filter((path) => /\/endpoints\/[0-9a-f-]{36}\/stats$/.test(path))).toEqual([]);
    await screenshot(page, 'dashboard-endpoints-scale', { fullPage: false });
  });

  it('finds the oldest endpoint by search', async () => {
    await timed('endpoints, search', '/endpoints?search=ep-000', () => summary('Showing 1 of 1'));
    await page.locator(`tr[data-endpoint="${endpointIds[0]}"]`).waitFor();
  });

  it("pages deliveries to the end once, each row naming its endpoint's URL", async () => {
    await timed('deliveries, first page', '/deliveries', () => summary('Showing 50 of 5,000'));
    await timed('deliveries of one type', '/deliveries?eventType=payment.refunded', () => summary(`Showing 50 of ${REFUNDS}`));
    for (const shown of [100, REFUNDS]) {
      await page.getByRole('button', { name: 'Load more' }).click();
      await summary(`Showing ${shown} of ${REFUNDS}`);
    }
    await expect(page.getByRole('button', { name: 'Load more' }).isHidden()).resolves.toBe(true);
    const shown = await page.locator('tr[data-delivery]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-delivery')));
    expect(shown).toHaveLength(REFUNDS);
    expect(new Set(shown).size).toBe(REFUNDS);
    const urls = await page.locator('td.endpoint-url').allTextContents();
    expect(urls.filter((url) => !url.startsWith('http://127.0.0.1:9/ep-'))).toEqual([]);
  });

  it('filters deliveries by the oldest endpoint, picked by search among all of them', async () => {
    await page.goto(`${dashboard}#/deliveries`);
    await summary('Showing 50 of 5,000');
    await page.locator('input[name=endpoint]').fill('ep-000');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(new RegExp(`endpointId=${endpointIds[0]}`));
    await summary(`of ${Math.ceil(DELIVERIES / ENDPOINTS)}`);
    const urls = new Set(await page.locator('td.endpoint-url').allTextContents());
    expect([...urls]).toEqual(['http://127.0.0.1:9/ep-000']);
  });

  it('pages the dead letters, the events and the monitoring of any endpoint', async () => {
    const failed = Array.from({ length: DELIVERIES }, (_, n) => n).filter((n) => n % 25 !== 1 && n % 12 === 0).length;
    await timed('dead letters', '/failed', () => summary(`Showing 100 of ${failed}`));
    await timed('events', '/events', () => summary('Showing 50 of 5,000'));
    await timed('monitoring, figures', '/monitoring', () => page.locator('[data-tile="deliveries"] strong', { hasText: '5,000' }).waitFor());
    await timed('monitoring, with its charts', '/monitoring', () => page.locator('figure.chart-box', { hasText: 'Attempts by status' }).waitFor());
    const held = Array.from({ length: DELIVERIES }, (_, n) => n).filter((n) => n % 25 === 1 && n % ENDPOINTS < 10).length;
    await expect(page.locator('[data-tile="held"] strong').textContent()).resolves.toBe(String(held));
    await page.locator('input[name=endpoint]').fill('ep-149');
    await page.locator('input[name=endpoint]').press('Enter');
    await page.waitForURL(new RegExp(`endpointId=${endpointIds[149]}`));
    await page.locator('[data-tile="deliveries"] strong', { hasText: /^3\d$/ }).waitFor();
    // Endpoint 1: behind an open circuit, with deliveries waiting.
    await timed('endpoint page', `/endpoints/${endpointIds[1]}`, () => page.locator('.next-attempt', { hasText: 'in ' }).waitFor());
  });
});
