import type { INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksApiModule, WebhooksModule } from '@app/webhooks';
import { TestApiKeyGuard } from './api-fixture';
import { testWebhookOptions, type FixtureOptions } from './fixture-app';

/** The Chromium of the Debian package; `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-artifacts', 'dashboard');
export const PORTAL_SIGNING_KEY = 'dashboard-test-portal-signing-key-0123456789';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

/**
 * Headless Chromium (Playwright makes a fresh profile for every launch). A missing browser is
 * a failure, never a skip: the dashboard would go untested without anyone noticing.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: the dashboard tests need it. Install it with "apt-get install -y chromium" (.ci/run does), or set CHROMIUM_PATH.`);
  }
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
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

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** A host app with the management API, the dashboard and portal links, on a free loopback port. */
export async function startDashboardApp(database: FixtureOptions['database']): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot({ wildcard: false }),
      WebhooksModule.forRoot(testWebhookOptions()),
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
