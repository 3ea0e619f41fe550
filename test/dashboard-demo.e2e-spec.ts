import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { operatorLink } from '../apps/demo/src/api/operator-link';
import { createDemoApp } from '../apps/demo/src/create-demo-app';
import { loadDemoConfig, RECEIVER_PATH } from '../apps/demo/src/config/demo-config';
import { DemoEndpointsRegistrar } from '../apps/demo/src/endpoints/demo-endpoints.registrar';
import { launchChromium, loopbackContext, screenshot, watchPage } from './support/browser';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase, TEST_REDIS_URL, uniqueName } from './support/services';
import { waitFor } from './support/wait-for';

// The demo's dashboard: a portal link minted with an API key through POST /demo/portal-links,
// opened in headless Chromium against the demo on PostgreSQL and Redis.

describe('demo: dashboard and portal links', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let receiver: TestReceiver;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    const config = loadDemoConfig({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      WEBHOOKS_QUEUE_PREFIX: uniqueName('demo-dashboard'),
      DEMO_ENDPOINTS: '',
      DEMO_API_KEYS: 'key-a:tenant-a,key-b:tenant-b',
      DEMO_PORTAL_KEY: 'demo-portal-signing-key-for-the-tests-0123456789',
    });
    app = await createDemoApp(config, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.close();
    await database?.drop();
  });

  async function mint(apiKey?: string): Promise<Response> {
    return fetch(`${baseUrl}/demo/portal-links`, { method: 'POST', headers: apiKey ? { 'x-api-key': apiKey } : {} });
  }

  it('mints a link only for a valid API key, for that key tenant', async () => {
    expect((await mint()).status).toBe(401);
    expect((await mint('nope')).status).toBe(401);
    const answer = await mint('key-a');
    expect(answer.status).toBe(201);
    const link = (await answer.json()) as { url: string; expiresAt: string };
    expect(link.url).toMatch(new RegExp(`^${baseUrl}/webhooks/dashboard#portal=whp_`));
    const lifetime = new Date(link.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
  });

  it('opens the dashboard from the link, creates an endpoint and tests it; the other tenant sees none of it', async () => {
    const page: Page = await (await loopbackContext(browser)).newPage();
    await page.goto(((await (await mint('key-a')).json()) as { url: string }).url);
    await page.getByRole('link', { name: 'New endpoint' }).click();
    await page.getByLabel('URL').fill(receiver.endpoint('/demo'));
    await page.getByRole('checkbox', { name: /All event types/ }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.getByRole('link', { name: 'Go to the endpoint' }).click();
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('heading', { name: 'Test succeeded' }).waitFor();
    await screenshot(page, 'demo-endpoint-test');
    expect(receiver.requests).toHaveLength(1);

    const other = await (await loopbackContext(browser)).newPage();
    await other.goto(((await (await mint('key-b')).json()) as { url: string }).url);
    await other.getByText('Nothing here yet.').waitFor();
    await expect(other.getByText(receiver.endpoint('/demo')).count()).resolves.toBe(0);
  });
});

// The demo as `npm run demo` starts it: SQLite, no Redis, no API keys. The operator link it
// prints opens the dashboard in a browser; the demo's own routes publish for its tenant, so
// their events show there; every page finds a favicon.
describe('demo with its defaults: the operator link, its own events in the dashboard, a favicon', () => {
  const file = join(tmpdir(), `${uniqueName('demo')}.sqlite`);
  let app: INestApplication;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    browser = await launchChromium();
    const config = loadDemoConfig({ DATABASE_URL: `sqlite:${file}`, REDIS_URL: '', DEMO_ENDPOINTS: '' });
    expect(config).toMatchObject({ apiKeys: {}, tenant: 'demo', redis: undefined });
    app = await createDemoApp(config, { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    await app.get(DemoEndpointsRegistrar).register([`${baseUrl}${RECEIVER_PATH}`]);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await rm(file, { force: true });
  });

  it("opens the dashboard from the operator link and shows the demo's own endpoint and events, with no 404 on any page", async () => {
    const link = operatorLink(app, loadDemoConfig({}), baseUrl);
    expect(link.expiresAt.getTime() - Date.now()).toBeGreaterThan(11 * 3_600_000);
    const page = await (await loopbackContext(browser)).newPage();
    const trouble = watchPage(page);
    await page.goto(link.url);
    await page.getByRole('link', { name: `${baseUrl}${RECEIVER_PATH}` }).waitFor();

    const verified = await fetch(`${baseUrl}/payments/p1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 1250 }) });
    expect(verified.status).toBe(200);
    await waitFor(async () => ((await (await fetch(`${baseUrl}/receiver/received`)).json()) as unknown[]).length === 1, { what: 'the payment at the receiver' });
    await page.getByRole('navigation').getByRole('link', { name: 'Events' }).click();
    await page.locator('tr[data-event]', { hasText: 'payment.verified' }).getByText('1 · 1 succeeded').waitFor();
    await screenshot(page, 'demo-events');

    for (const path of ['/receiver/received', '/docs']) await page.goto(`${baseUrl}${path}`);
    const favicon = await fetch(`${baseUrl}/favicon.ico`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(trouble.failedResponses).toEqual([]);
    expect(trouble.errors).toEqual([]);
  });

  it('refuses the API without a portal token or an API key', async () => {
    expect((await fetch(`${baseUrl}/webhooks/endpoints`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/webhooks/endpoints`, { headers: { 'x-api-key': 'guess' } })).status).toBe(401);
  });
});
