import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictException, type INestApplication } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { EndpointsService, generateWebhookSecret, WebhookEndpoint } from 'nestjs-webhooks';
import { BACKEND_ROWS, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';

// EndpointsService.ensure: registering an endpoint at every start (of several processes at
// once) leaves exactly one endpoint per tenant and URL, in line with what the app declares.

describe.each(BACKEND_ROWS)('EndpointsService.ensure on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let endpoints: EndpointsService;
  let dataSource: DataSource;
  let counter = 0;
  const nextUrl = () => `http://127.0.0.1:9/ensure-${++counter}`;
  const liveCount = (url: string, tenantId: string | null = null) => dataSource.getRepository(WebhookEndpoint).countBy({ url, tenantId: tenantId ?? IsNull() });

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { worker: false } });
    endpoints = app.get(EndpointsService);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('creates the endpoint the first time and finds it, unchanged, every time after', async () => {
    const url = nextUrl();
    const secret = generateWebhookSecret();
    const first = await endpoints.ensure({ url, eventTypes: ['invoice.paid'], secret });
    expect(first.outcome).toBe('created');
    expect(first.endpoint.secret).toBe(secret);
    const second = await endpoints.ensure({ url, eventTypes: ['invoice.paid'], secret });
    expect(second).toMatchObject({ outcome: 'unchanged', endpoint: { id: first.endpoint.id, secret } });
    expect(await liveCount(url)).toBe(1);
  });

  it('brings the given fields in line, key order aside, and leaves the others as they are', async () => {
    const url = nextUrl();
    const { endpoint } = await endpoints.ensure({ url, eventTypes: ['invoice.paid'], headers: { 'x-a': '1', 'x-b': '2' }, description: 'first' });
    await endpoints.update(endpoint.id, { rateLimitPerSecond: 5 });
    expect((await endpoints.ensure({ url, eventTypes: ['invoice.paid'], headers: { 'x-b': '2', 'x-a': '1' } })).outcome).toBe('unchanged');
    const changed = await endpoints.ensure({ url, eventTypes: ['invoice.paid', 'payment.*'], description: 'second' });
    expect(changed.outcome).toBe('updated');
    expect(changed.endpoint).toMatchObject({ id: endpoint.id, eventTypes: ['invoice.paid', 'payment.*'], description: 'second', rateLimitPerSecond: 5, headers: { 'x-a': '1', 'x-b': '2' } });
  });

  it('replaces the secret at once when the app declares another one', async () => {
    const url = nextUrl();
    const { endpoint } = await endpoints.ensure({ url, eventTypes: ['*'], secret: generateWebhookSecret() });
    const next = generateWebhookSecret();
    const ensured = await endpoints.ensure({ url, eventTypes: ['*'], secret: next });
    expect(ensured.outcome).toBe('updated');
    expect(ensured.endpoint.id).toBe(endpoint.id);
    expect((await endpoints.get(endpoint.id)).secret).toBe(next);
  });

  it('keeps tenants apart: the same URL is one endpoint per tenant', async () => {
    const url = nextUrl();
    const a = await endpoints.ensure({ url, eventTypes: ['*'], tenantId: 'tenant-a' });
    const b = await endpoints.ensure({ url, eventTypes: ['*'], tenantId: 'tenant-b' });
    const none = await endpoints.ensure({ url, eventTypes: ['*'] });
    expect(new Set([a.endpoint.id, b.endpoint.id, none.endpoint.id]).size).toBe(3);
    expect((await endpoints.ensure({ url, eventTypes: ['*'], tenantId: 'tenant-a' })).endpoint.id).toBe(a.endpoint.id);
  });

  it('started together, many callers end up with one endpoint, the same for all', async () => {
    const url = nextUrl();
    const results = await Promise.all(Array.from({ length: 8 }, () => endpoints.ensure({ url, eventTypes: ['invoice.paid'] })));
    expect(new Set(results.map((result) => result.endpoint.id)).size).toBe(1);
    expect(results.filter((result) => result.outcome === 'created')).toHaveLength(1);
    expect(await liveCount(url)).toBe(1);
  });

  it('lets two concurrent creates of one URL make one endpoint: the other is a conflict', async () => {
    const url = nextUrl();
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => endpoints.create({ url, eventTypes: ['invoice.paid'] })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConflictException);
    expect(await liveCount(url)).toBe(1);
  });

  it('after a delete, the URL is free: ensure registers a new endpoint', async () => {
    const url = nextUrl();
    const { endpoint } = await endpoints.ensure({ url, eventTypes: ['*'] });
    await endpoints.remove(endpoint.id);
    const again = await endpoints.ensure({ url, eventTypes: ['*'] });
    expect(again.outcome).toBe('created');
    expect(again.endpoint.id).not.toBe(endpoint.id);
  });

  it('moving an endpoint onto a URL taken by another is a conflict', async () => {
    const taken = nextUrl();
    await endpoints.ensure({ url: taken, eventTypes: ['*'] });
    const { endpoint } = await endpoints.ensure({ url: nextUrl(), eventTypes: ['*'] });
    await expect(endpoints.update(endpoint.id, { url: taken })).rejects.toBeInstanceOf(ConflictException);
  });
});
