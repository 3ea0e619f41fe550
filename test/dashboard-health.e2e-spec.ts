import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointStatus, WebhookEndpoint } from 'nestjs-webhooks';
import { WebhooksPortal } from 'nestjs-webhooks/api';
import { ApiClient } from './support/api-fixture';
import { launchChromium, loopbackContext, screenshot, startDashboardApp, watchPage, type PageTrouble } from './support/browser';
import { minutesAgo, minutesFromNow, seedDeliveries } from './support/delivery-seed';
import { TestReceiver } from './support/receiver';
import { createPostgresDatabase } from './support/services';

// What an operator opens the dashboard for at 3 a.m., in headless Chromium against PostgreSQL
// and Redis: a backlog stuck behind an open circuit must show as such (not as 100 % success),
// each endpoint's badge must say how it is, and what can be done to an endpoint must say at
// once when it cannot (held test, paused endpoint, endpoint deleted meanwhile).

describe('dashboard: honest health and a complete endpoint page', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let receiver: TestReceiver;
  let browser: Browser;
  let page: Page;
  let trouble: PageTrouble;
  let api: ApiClient;
  let dashboard: string;
  const ids = { healthy: '', broken: '', flaky: '', paused: '', disabled: '' };

  beforeAll(async () => {
    browser = await launchChromium();
    database = await createPostgresDatabase();
    receiver = await TestReceiver.start();
    app = await startDashboardApp({ type: 'postgres', url: database.url }, { autoDisable: false });
    api = await ApiClient.of(app, 'key-tenant-a');
    for (const name of Object.keys(ids) as Array<keyof typeof ids>) {
      ids[name] = (await api.post('/endpoints', { url: receiver.endpoint(`/${name}`), eventTypes: ['*'], description: `${name} receiver` })).body.id;
    }
    await api.patch(`/endpoints/${ids.paused}`, { status: 'paused' });
    const endpoints = app.get(DataSource).getRepository(WebhookEndpoint);
    await endpoints.update(ids.broken, { consecutiveFailures: 9, failingSince: minutesAgo(120), circuitOpenUntil: minutesFromNow(10) });
    await endpoints.update(ids.flaky, { consecutiveFailures: 3, failingSince: minutesAgo(20) });
    await endpoints.update(ids.disabled, { status: EndpointStatus.Disabled, disabledReason: 'failed 10 times in a row since yesterday' });
    // 30 delivered, 40 held behind the broken endpoint's circuit (never attempted), 3 retrying.
    await seedDeliveries(app.get(DataSource), [
      ...Array.from({ length: 30 }, (_, n) => ({ endpointId: ids.healthy, tenantId: 'tenant-a', status: DeliveryStatus.Succeeded, createdAt: minutesAgo(300 - n), attempts: [{ startedAt: minutesAgo(300 - n), durationMs: 40, responseStatus: 200 }] })),
      ...Array.from({ length: 40 }, (_, n) => ({ endpointId: ids.broken, tenantId: 'tenant-a', status: DeliveryStatus.Retrying, createdAt: minutesAgo(100 - n), nextAttemptAt: minutesFromNow(10) })),
      ...Array.from({ length: 3 }, (_, n) => ({ endpointId: ids.flaky, tenantId: 'tenant-a', status: DeliveryStatus.Retrying, createdAt: minutesAgo(30 - n), nextAttemptAt: minutesFromNow(20), attempts: [{ startedAt: minutesAgo(30 - n), durationMs: 90, responseStatus: 503 }] })),
    ]);
    const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    dashboard = `${baseUrl}/webhooks/dashboard`;
    page = await (await loopbackContext(browser)).newPage();
    trouble = watchPage(page);
    await page.goto(app.get(WebhooksPortal).createLink({ tenantId: 'tenant-a', baseUrl }).url);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await receiver?.close();
    await database?.drop();
  });

  const open = async (hash: string, heading: string | RegExp) => {
    await page.goto(`${dashboard}#${hash}`);
    await page.getByRole('heading', { name: heading, exact: typeof heading === 'string' }).first().waitFor();
  };
  const tile = (name: string) => page.locator(`[data-tile="${name}"] strong`).textContent();

  it('Monitoring counts what still retries and what circuits hold, instead of 100 % and "due now 0"', async () => {
    await open('/monitoring', 'Monitoring');
    // 30 succeeded, 43 retrying, none finished as failed: 30 / 73.
    await expect(tile('success')).resolves.toBe('41.1 %');
    await expect(tile('retrying')).resolves.toBe('43');
    await expect(tile('waiting')).resolves.toBe('43');
    await expect(tile('held')).resolves.toBe('40');
    await expect(page.locator('[data-tile="held"]').textContent()).resolves.toContain('1 open circuit');
    await expect(tile('next')).resolves.toMatch(/^in \d+ min$/);
    await screenshot(page, 'dashboard-monitoring-backlog');
  });

  it('badges each endpoint: circuit open until when, failing in a row, paused, disabled with the reason', async () => {
    await open('/endpoints', 'Endpoints');
    const row = (name: keyof typeof ids) => page.locator(`tr[data-endpoint="${ids[name]}"]`);
    await expect(row('broken').locator('.health').textContent()).resolves.toMatch(/^circuit openuntil .+ · 9 failed in a row since /);
    await expect(row('flaky').locator('.health').textContent()).resolves.toContain('failing3 failed in a row');
    await expect(row('disabled').locator('.health').textContent()).resolves.toBe('disabledfailed 10 times in a row since yesterday');
    await expect(row('paused').locator('.health').textContent()).resolves.toBe('paused');
    await expect(row('healthy').locator('.health').textContent()).resolves.toBe('healthy');
    await row('broken').locator('.waiting').getByText('40 held').waitFor();
    await expect(row('broken').locator('.waiting').textContent()).resolves.toMatch(/next .+\(in \d+ min\)/);
    await screenshot(page, 'dashboard-endpoints');
  });

  it('shows what holds each waiting delivery and when it is next attempted, never "retrying, 0 attempts, —"', async () => {
    await open(`/deliveries?endpointId=${ids.broken}`, 'Deliveries');
    const first = page.locator('tr[data-delivery]').first();
    await expect(first.locator('.status').textContent()).resolves.toBe('retryingheld: circuit open');
    await first.getByRole('cell', { name: 'not attempted yet' }).waitFor();
    await expect(first.locator('.next-attempt').textContent()).resolves.toMatch(/\(in \d+ min\)$/);
    await expect(page.locator('.page-summary').textContent()).resolves.toBe('Showing 40 of 40');
  });

  it('answers a test send on an endpoint behind an open circuit at once, saying why and until when', async () => {
    await open(`/endpoints/${ids.broken}`, receiver.endpoint('/broken'));
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('heading', { name: 'Not sent' }).waitFor();
    await expect(page.locator('.test-result').textContent()).resolves.toMatch(/circuit breaker is open.*waits until .+\(in \d+ min\)/);
    expect(receiver.requests.filter((request) => request.path === '/broken')).toHaveLength(0);
    await screenshot(page, 'dashboard-test-held');
  });

  it('disables the test send of a paused endpoint and says why', async () => {
    await open(`/endpoints/${ids.paused}`, receiver.endpoint('/paused'));
    await expect(page.getByRole('button', { name: 'Send test event' }).isDisabled()).resolves.toBe(true);
    await page.getByText('The endpoint is paused: enable it to send a test.').waitFor();
    await expect(page.getByRole('button', { name: 'Enable' }).isEnabled()).resolves.toBe(true);
  });

  it('shows the 404 next to Pause and Delete when the endpoint was deleted meanwhile, with no page error', async () => {
    const doomed = (await api.post('/endpoints', { url: receiver.endpoint('/doomed'), eventTypes: ['*'] })).body.id;
    await open(`/endpoints/${doomed}`, receiver.endpoint('/doomed'));
    expect((await api.delete(`/endpoints/${doomed}`)).status).toBe(204);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.action', { has: page.getByRole('button', { name: 'Pause' }) }).getByRole('alert').getByText(/not found/).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.locator('.action', { has: page.getByRole('button', { name: 'Delete' }) }).getByRole('alert').getByText(/not found/).waitFor();
    expect(trouble.errors).toEqual([]);
  });

  it('a new URL closes the circuit and clears the failure streak', async () => {
    await open(`/endpoints/${ids.broken}/edit`, 'Edit endpoint');
    await page.getByLabel('URL').fill(receiver.endpoint('/fixed'));
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: receiver.endpoint('/fixed') }).waitFor();
    await expect(page.locator('.title-row .health').textContent()).resolves.toBe('healthy');
    await expect(page.locator('.facts').first().textContent()).resolves.toContain('Circuitclosed');
  });

  it('shows the new masked secret after a rotation, and the old one still signing', async () => {
    await open(`/endpoints/${ids.healthy}`, receiver.endpoint('/healthy'));
    const before = await page.locator('.current-secret').textContent();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const secret = (await page.locator('#new-secret').textContent())!;
    await page.locator('.current-secret', { hasText: secret.slice(-4) }).waitFor();
    expect(await page.locator('.current-secret').textContent()).not.toBe(before);
    await expect(page.locator('.previous-secret').textContent()).resolves.toContain(before!);
  });

  it('shows and edits every setting: description, timeout, rate limit, headers (credentials masked), retry schedule, metadata', async () => {
    const created = await api.post('/endpoints', {
      url: receiver.endpoint('/configured'),
      eventTypes: ['invoice.paid'],
      description: 'ledger sync',
      timeoutMs: 5000,
      rateLimitPerSecond: 20,
      headers: { 'X-Team': 'billing', Authorization: 'Bearer s3cret' },
      retrySchedule: { delaysMs: [0, 1000] },
      metadata: { team: 'billing' },
    });
    await open(`/endpoints/${created.body.id}`, receiver.endpoint('/configured'));
    const settings = page.locator('.settings');
    await expect(settings.textContent()).resolves.toMatch(/Descriptionledger sync.*Timeout5000 ms.*Rate limit20 per second.*X-Teambilling.*Authorization\[redacted\].*Retry schedule2 attempts, after 0 ms, 1000 ms.*"team": "billing"/s);
    expect(await page.content()).not.toContain('s3cret');

    await page.getByRole('link', { name: 'Edit' }).click();
    const authorization = page.locator('.header-row', { has: page.locator('.header-name[value="Authorization"]') }).locator('.header-value');
    await expect(authorization.getAttribute('type')).resolves.toBe('password');
    await expect(authorization.inputValue()).resolves.toBe('');
    await page.locator('.header-row', { has: page.locator('.header-name[value="X-Team"]') }).locator('.header-value').fill('payments');
    await page.getByLabel('Description').fill('ledger sync, v2');
    await page.getByLabel('Schedule').selectOption('exponential');
    await page.getByLabel('Base (ms)').fill('1000');
    await page.getByLabel('Attempts').fill('5');
    await page.getByLabel('Metadata (JSON object)').fill('{"team": "payments"}');
    await screenshot(page, 'dashboard-edit-endpoint');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: receiver.endpoint('/configured') }).waitFor();
    await expect(settings.textContent()).resolves.toMatch(/ledger sync, v2.*X-Teampayments.*exponential: 1000 ms × 2\^n, 5 attempts.*"team": "payments"/s);
    // The credential kept its stored value: the receiver gets it in full.
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('heading', { name: 'Test succeeded' }).waitFor();
    const sent = receiver.requests.filter((request) => request.path === '/configured').at(-1)!;
    expect(sent.headers).toMatchObject({ authorization: 'Bearer s3cret', 'x-team': 'payments' });
  });

  it('shows, sets and clears which failures retry and whether trace context is sent, with a 400 under Retry on', async () => {
    const id = (await api.post('/endpoints', { url: receiver.endpoint('/retry-rule'), eventTypes: ['*'] })).body.id;
    const retryOn = page.getByLabel('Retry on');
    const traceContext = page.getByRole('checkbox', { name: /Send trace context/ });
    const shown = async () => [await page.locator('.settings .retry-on').textContent(), await page.locator('.settings .trace-context').textContent()];
    const save = async () => {
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByRole('heading', { name: receiver.endpoint('/retry-rule') }).waitFor();
    };
    await open(`/endpoints/${id}`, receiver.endpoint('/retry-rule'));
    await expect(shown()).resolves.toEqual(["the module's rule", 'sent (traceparent, tracestate)']);

    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(retryOn.inputValue()).resolves.toBe('');
    await expect(traceContext.isChecked()).resolves.toBe(true);
    await retryOn.fill('408, 429, 5xx, soon');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-field="retryOn"] .field-error').getByText(/^retryOn: "soon" is neither an HTTP status/).waitFor();
    await expect(retryOn.getAttribute('aria-invalid')).resolves.toBe('true');
    await retryOn.fill('408, 429, 5XX, timeout');
    await traceContext.uncheck();
    await save();
    await expect(shown()).resolves.toEqual(['408, 429, 5xx, timeout', 'not sent']);
    await expect(api.get(`/endpoints/${id}`)).resolves.toMatchObject({ body: { retryOn: [408, 429, '5xx', 'timeout'], sendTraceContext: false } });

    // Emptied, the field hands the endpoint back to the module's rule.
    await page.getByRole('link', { name: 'Edit' }).click();
    await expect(retryOn.inputValue()).resolves.toBe('408, 429, 5xx, timeout');
    await expect(traceContext.isChecked()).resolves.toBe(false);
    await retryOn.fill('');
    await traceContext.check();
    await save();
    await expect(shown()).resolves.toEqual(["the module's rule", 'sent (traceparent, tracestate)']);
    await expect(api.get(`/endpoints/${id}`)).resolves.toMatchObject({ body: { retryOn: null, sendTraceContext: true } });
  });

  it('shows an API error under the field it names', async () => {
    await open('/endpoints/new', 'New endpoint');
    await page.getByLabel('URL').fill('ftp://example.com/hook');
    await page.getByRole('checkbox', { name: /invoice\.paid/ }).check();
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('[data-field="url"] .field-error').getByText(/^url /).waitFor();
    await expect(page.getByLabel('URL').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Metadata (JSON object)').fill('[1, 2]');
    await page.getByLabel('URL').fill(receiver.endpoint('/new'));
    await page.getByRole('button', { name: 'Create endpoint' }).click();
    await page.locator('[data-field="metadata"] .field-error').getByText('metadata must be a JSON object').waitFor();
  });
});
