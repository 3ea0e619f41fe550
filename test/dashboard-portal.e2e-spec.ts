import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { WebhooksPortal } from 'nestjs-webhooks/api';
import { ApiClient } from './support/api-fixture';
import { launchChromium, loopbackContext, screenshot, startDashboardApp } from './support/browser';
import { TestReceiver, respond } from './support/receiver';
import { createPostgresDatabase } from './support/services';
import { waitFor } from './support/wait-for';

// The dashboard in real headless Chromium, opened through customer-portal links, against
// real PostgreSQL, Redis and a loopback receiver. Steps build on each other, in order.

describe('dashboard through a portal link', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let receiver: TestReceiver;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let portal: WebhooksPortal;
  let baseUrl: string;
  let api: ApiClient;
  let endpointId = '';

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    app = await startDashboardApp({ type: 'postgres', url: database.url });
    portal = app.get(WebhooksPortal);
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    api = await ApiClient.of(app, 'key-tenant-a');
    context = await loopbackContext(browser);
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.close();
    await database?.drop();
  });

  it('opens with a portal link and keeps the token out of the address bar', async () => {
    const link = portal.createLink({ tenantId: 'tenant-a', baseUrl });
    expect(link.url).toMatch(/\/webhooks\/dashboard#portal=whp_/);
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(page.url()).not.toContain('whp_');
    await expect(page.getByText('Portal session').isVisible()).resolves.toBe(true);
  });

  it('stays signed in in a new tab of the same browser', async () => {
    const tab = await context.newPage();
    await tab.goto(`${baseUrl}/webhooks/dashboard#/deliveries`);
    await tab.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await expect(tab.getByRole('heading', { name: 'Not signed in' }).count()).resolves.toBe(0);
    await tab.close();
  });

  it('creates an endpoint through the form, with the event type picker, and shows its secret once', async () => {
    await page.getByRole('link', { name: 'New endpoint' }).click();
    await page.getByLabel('URL').fill(receiver.endpoint('/hook'));
    await page.getByLabel('Description').fill('billing system');
    await page.getByRole('checkbox', { name: /invoice\.paid/ }).check();
    await page.getByRole('checkbox', { name: /payment\.verified/ }).check();
    await screenshot(page, 'dashboard-create-endpoint');
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('heading', { name: 'Endpoint created' }).waitFor();
    const secret = await page.locator('#new-secret').textContent();
    expect(secret).toMatch(/^whsec_/);

    const listed = await api.get('/endpoints');
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ url: receiver.endpoint('/hook'), description: 'billing system', eventTypes: ['invoice.paid', 'payment.verified'] });
    endpointId = listed.body.data[0].id;
    // Shown once: the endpoint page masks it.
    await page.getByRole('link', { name: 'Go to the endpoint' }).click();
    await page.getByRole('button', { name: 'Send test event' }).waitFor();
    await expect(page.getByText(secret!).count()).resolves.toBe(0);
  });

  it('sends a test event and shows the result, then the attempt with request and response', async () => {
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('heading', { name: 'Test succeeded' }).waitFor();
    await expect(page.locator('.test-result').textContent()).resolves.toContain('webhook.test: status 200');
    await screenshot(page, 'dashboard-endpoint-test');
    expect(receiver.requests.at(-1)?.headers['webhook-signature']).toMatch(/^v1,/);

    await page.getByRole('link', { name: 'Open the delivery' }).click();
    await page.getByRole('heading', { name: 'Delivery' }).waitFor();
    await page.locator('.attempts summary').first().click();
    const attempt = page.locator('.attempt').first();
    await attempt.getByText('webhook-signature', { exact: true }).waitFor();
    await expect(attempt.locator('.response-status').textContent()).resolves.toBe('200');
    await expect(attempt.locator('.response-body').textContent()).resolves.toBe('ok');
    await screenshot(page, 'dashboard-attempt');
  });

  it('edits the endpoint and rotates its secret', async () => {
    await page.goto(`${baseUrl}/webhooks/dashboard#/endpoints/${endpointId}/edit`);
    await page.getByRole('checkbox', { name: /invoice\.created/ }).check();
    await page.getByLabel('Description').fill('billing and invoices');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Rotate secret' }).waitFor();
    await page.locator('.facts').getByText('invoice.created, invoice.paid, payment.verified').waitFor();
    expect((await api.get(`/endpoints/${endpointId}`)).body).toMatchObject({ description: 'billing and invoices' });

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('heading', { name: 'Secret rotated' }).waitFor();
    await expect(page.locator('#new-secret').textContent()).resolves.toMatch(/^whsec_/);
    expect((await api.get(`/endpoints/${endpointId}`)).body.previousSecrets).toHaveLength(1);
  });

  it('shows a dead-lettered delivery and retries it to success', async () => {
    receiver.script(respond(400, { 'content-type': 'text/plain' }, 'invoice unknown'));
    const published = await api.post('/events', { type: 'invoice.paid', data: { invoiceId: 'inv_1' } });
    expect(published.status).toBe(202);
    const failed = await waitFor(async () => (await api.get('/deliveries?status=failed')).body.data[0], { what: 'a dead letter' });

    await page.getByRole('link', { name: 'Dead letters' }).click();
    const row = page.locator(`tr[data-delivery="${failed.id}"]`);
    await row.getByRole('cell', { name: '400', exact: true }).waitFor();
    await screenshot(page, 'dashboard-dead-letter-retry');
    // The receiver answers 200 from now on.
    await row.getByRole('button', { name: 'Retry' }).click();
    await row.locator('.status').getByText('succeeded').waitFor();
    expect((await api.get(`/deliveries/${failed.id}`)).body).toMatchObject({ status: 'succeeded', attemptCount: 2 });
  });

  it('recovers the dead letters since a time', async () => {
    receiver.script(respond(400));
    await api.post('/events', { type: 'payment.verified', data: { paymentId: 'p_1' } });
    const failed = await waitFor(async () => (await api.get('/deliveries?status=failed&eventType=payment.verified')).body.data[0], { what: 'a second dead letter' });
    await page.getByRole('link', { name: 'Endpoints' }).click();
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.locator(`tr[data-delivery="${failed.id}"]`).waitFor();
    const anHourAgo = new Date(Date.now() - 3_600_000 - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel('Failed since').fill(anHourAgo);
    await page.getByRole('button', { name: 'Retry since this time' }).click();
    await page.getByText('Queued again: 1 delivery.').waitFor();
    await waitFor(async () => (await api.get(`/deliveries/${failed.id}`)).body.status === 'succeeded', { what: 'the recovered delivery to succeed' });
  });

  it('filters the delivery history and exports it as CSV', async () => {
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    await page.getByLabel('Event type').selectOption('invoice.paid');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/eventType=invoice\.paid/);
    await waitFor(async () => (await page.locator("tr[data-delivery]").count()) === 1, { what: "one filtered row" });
    await screenshot(page, 'dashboard-deliveries');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('deliveries.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/id/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('invoice.paid');
  });

  it('draws the monitoring charts over a day of history', async () => {
    await writeHistory(app.get(DataSource), endpointId);
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { name: 'Monitoring' }).waitFor();
    await page.locator('svg.chart').nth(1).waitFor();
    // One line per series: success rate, p50, p95.
    await expect(page.locator('svg.chart path.line').count()).resolves.toBe(3);
    await page.getByRole('cell', { name: '503', exact: true }).first().waitFor();
    await screenshot(page, 'dashboard-monitoring');
  });

  it('is usable on a phone-sized screen', async () => {
    const phone = await (await loopbackContext(browser, { width: 390, height: 844 })).newPage();
    await phone.goto(portal.createLink({ tenantId: 'tenant-a', baseUrl }).url);
    await phone.getByRole('link', { name: receiver.endpoint('/hook') }).waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(phone, 'dashboard-phone');
    await phone.context().close();
  });

  it("never shows another tenant's data", async () => {
    const other = await (await loopbackContext(browser)).newPage();
    const link = portal.createLink({ tenantId: 'tenant-b', baseUrl });
    await other.goto(link.url);
    await other.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await other.getByText('Nothing here yet.').waitFor();
    await expect(other.getByText(receiver.endpoint('/hook')).count()).resolves.toBe(0);
    await other.goto(`${baseUrl}/webhooks/dashboard#/endpoints/${endpointId}`);
    await other.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    await expect(other.getByRole('alert').textContent()).resolves.toContain('not found');
    await other.goto(`${baseUrl}/webhooks/dashboard#/failed`);
    await other.getByText('Nothing here yet.').waitFor();

    const asTenantB = { authorization: `Bearer ${link.token}` };
    expect((await fetch(`${baseUrl}/webhooks/endpoints/${endpointId}`, { headers: asTenantB })).status).toBe(404);
    const theirDeliveries = (await (await fetch(`${baseUrl}/webhooks/deliveries`, { headers: asTenantB })).json()) as { data: unknown[] };
    expect(theirDeliveries.data).toEqual([]);
    await other.context().close();
  });

  it('refuses an expired or forged link, in the page and in the API', async () => {
    const expired = portal.createLink({ tenantId: 'tenant-a', baseUrl, ttlSeconds: 60 }, new Date(Date.now() - 3_600_000));
    const valid = portal.createLink({ tenantId: 'tenant-b', baseUrl });
    const [, signature] = valid.token.split('.');
    const forgedToken = `whp_${Buffer.from(JSON.stringify({ t: 'tenant-a', exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url')}.${signature}`;
    const forged = valid.url.replace(encodeURIComponent(valid.token), encodeURIComponent(forgedToken));

    for (const url of [expired.url, forged]) {
      const refused = await (await loopbackContext(browser)).newPage();
      await refused.goto(url);
      await refused.getByRole('heading', { name: 'Not signed in' }).waitFor();
      await expect(refused.getByRole('alert').textContent()).resolves.toContain('expired or is not valid');
      await expect(refused.getByText(receiver.endpoint('/hook')).count()).resolves.toBe(0);
      if (url === expired.url) await screenshot(refused, 'dashboard-expired-link');
      await refused.context().close();
    }
    for (const token of [expired.token, forgedToken, 'whp_garbage', `${valid.token}x`]) {
      const answer = await fetch(`${baseUrl}/webhooks/endpoints`, { headers: { authorization: `Bearer ${token}` } });
      expect([token, answer.status]).toEqual([token, 401]);
    }
    // A bearer token that is not a portal token is left to the host's guards (here: no API key, 401).
    expect((await fetch(`${baseUrl}/webhooks/endpoints`, { headers: { authorization: 'Bearer host-session' } })).status).toBe(401);
  });

  it('warns before the session ends, and signs out', async () => {
    const short = await (await loopbackContext(browser)).newPage();
    await short.goto(portal.createLink({ tenantId: 'tenant-a', baseUrl, ttlSeconds: 120 }).url);
    await short.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await short.locator('.session-banner').getByText(/^This portal session ends in 2 min \(.+\)\. Ask for a new link/).waitFor();
    await screenshot(short, 'dashboard-session-warning', { fullPage: false });
    await short.getByRole('button', { name: 'Sign out' }).click();
    await short.getByRole('heading', { name: 'Not signed in' }).waitFor();
    expect(await short.evaluate('localStorage.length')).toBe(0);
    await short.context().close();
  });

  it('serves the page and its assets without data, with a strict content security policy', async () => {
    const pageAnswer = await fetch(`${baseUrl}/webhooks/dashboard`);
    expect(pageAnswer.status).toBe(200);
    expect(pageAnswer.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(pageAnswer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await pageAnswer.text()).toContain('<base href="/webhooks/dashboard/">');
    const script = await fetch(`${baseUrl}/webhooks/dashboard/assets/app.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${baseUrl}/webhooks/dashboard/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/webhooks/dashboard/assets/constructor`)).status).toBe(404);
  });
});

/** A day of past deliveries, written directly: a few an hour, some failing, latencies varying. */
async function writeHistory(dataSource: DataSource, endpointId: string): Promise<void> {
  const now = Date.now();
  for (let hoursAgo = 22; hoursAgo >= 1; hoursAgo--) {
    for (let n = 0; n < 3; n++) {
      const failed = (hoursAgo + n) % 7 === 0;
      const createdAt = new Date(now - hoursAgo * 3_600_000 + n * 60_000);
      const eventId = randomUUID();
      const deliveryId = randomUUID();
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId: 'tenant-a', data: {}, idempotencyKey: null, createdAt });
      await dataSource.getRepository(WebhookDelivery).insert({
        id: deliveryId, eventId, endpointId, tenantId: 'tenant-a', eventType: 'invoice.paid',
        status: failed ? DeliveryStatus.Failed : DeliveryStatus.Succeeded, attemptCount: 1, nextAttemptAt: null,
        lastStatusCode: failed ? 503 : 200, completedAt: createdAt, createdAt, updatedAt: createdAt,
      });
      await dataSource.getRepository(WebhookAttempt).insert({
        id: randomUUID(), deliveryId, number: 1, startedAt: createdAt, durationMs: 40 + ((hoursAgo * 37 + n * 91) % 160) + (n === 2 ? 220 : 0),
        requestHeaders: {}, responseStatus: failed ? 503 : 200, responseHeaders: null, responseBody: null, error: null,
      });
    }
  }
}
