import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import sparticuzChromium from '@sparticuz/chromium';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { WebhooksApiModule } from 'nestjs-webhooks/api';
import { TestApiKeyGuard } from './api-fixture';
import { testWebhookOptions, type FixtureOptions } from './fixture-app';

export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'dashboard');
export const PORTAL_SIGNING_KEY = 'dashboard-test-portal-signing-key-0123456789';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/**
 * Headless Chromium (Playwright makes a fresh profile for every launch). The browser comes with
 * the dev dependencies: `@sparticuz/chromium` ships the binary inside its package and unpacks it
 * into the temp folder, so `npm install` is all the tests need. `CHROMIUM_PATH` picks another.
 */
export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const executablePath = process.env.CHROMIUM_PATH ?? (await sparticuzChromium.executablePath());
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** A browser context that may only reach loopback addresses. */
export async function loopbackContext(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true, colorScheme: 'light' });
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return ['127.0.0.1', 'localhost', '[::1]'].includes(host) ? route.continue() : route.abort();
  });
  return context;
}

/** The whole page, or (for long lists) what the window shows. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** What went wrong in a page: uncaught errors, console errors and answers of 400 or more. */
export interface PageTrouble {
  errors: string[];
  failedResponses: string[];
}

export function watchPage(page: Page): PageTrouble {
  const trouble: PageTrouble = { errors: [], failedResponses: [] };
  page.on('pageerror', (error) => trouble.errors.push(error.message));
  page.on('console', (message) => {
    // Chromium logs every answer of 400 or more as a console error too: those are failedResponses.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) trouble.errors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) trouble.failedResponses.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  return trouble;
}

/** A host app with the management API, the dashboard and portal links, on a free loopback port. */
export async function startDashboardApp(database: FixtureOptions['database'], webhooks?: WebhooksModuleOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot({ wildcard: false }),
      WebhooksModule.forRoot(testWebhookOptions(webhooks)),
      WebhooksApiModule.forRoot({
        guards: [TestApiKeyGuard],
        resolveTenant: (request: { tenantId?: string | null }) => request.tenantId,
        dashboard: true,
        portal: { signingKey: PORTAL_SIGNING_KEY, ttlSeconds: 600 },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  return app;
}
