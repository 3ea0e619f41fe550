import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { createDemoApp } from '../apps/demo/src/create-demo-app';
import { loadDemoConfig } from '../apps/demo/src/config/demo-config';
import { launchChromium, loopbackContext, screenshot } from './support/browser';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase, TEST_REDIS_URL, uniqueName } from './support/services';

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
