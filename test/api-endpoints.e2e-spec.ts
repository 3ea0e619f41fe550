import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryStatus, WebhookDelivery, WebhookEvent } from 'nestjs-webhooks';
import { ApiClient, startApiApp } from './support/api-fixture';
import { mariadbWithBull, postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';

const VALID_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe.each([
  [postgresWithBull.label, postgresWithBull, false],
  [`${sqliteEmbedded.label}, behind the host's own global ValidationPipe`, sqliteEmbedded, true],
  [mariadbWithBull.label, mariadbWithBull, false],
])('management API: endpoints on %s', (_label, backendFactory, hostValidationPipe) => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  let b: ApiClient;
  let dataSource: DataSource;
  let urlCounter = 0;
  // Nothing listens there: these tests never deliver.
  const nextUrl = () => `http://127.0.0.1:9/hook-${++urlCounter}`;
  const createEndpoint = async (client: ApiClient = a, body: Record<string, unknown> = {}) => {
    const answer = await client.post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'], ...body });
    expect(answer.status).toBe(201);
    return answer.body;
  };

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startApiApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { pollIntervalMs: 100 }, hostValidationPipe });
    a = await ApiClient.of(app, 'key-tenant-a');
    b = a.as('key-tenant-b');
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  describe('access', () => {
    it('answers 401 without an API key, with an unknown key, and for a key without a tenant', async () => {
      expect((await a.as(undefined).get('/endpoints')).status).toBe(401);
      expect((await a.as('nope').post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'] })).status).toBe(401);
      const noTenant = await a.as('key-without-tenant').get('/endpoints');
      expect(noTenant.status).toBe(401);
      expect(noTenant.body.message).toMatch(/tenant/);
    });

    it('mounts the routes under the configured prefix only', async () => {
      const outside = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/endpoints`, { headers: { 'x-api-key': 'key-tenant-a' } });
      expect(outside.status).toBe(404);
    });
  });

  describe('POST /endpoints', () => {
    it('creates an endpoint and shows its generated secret only in this answer', async () => {
      const created = await createEndpoint(a, { description: 'billing', headers: { 'X-Team': 'billing' }, timeoutMs: 5000, rateLimitPerSecond: 10, metadata: { owner: 'ops' } });
      expect(created).toMatchObject({
        id: expect.any(String),
        eventTypes: ['invoice.paid'],
        status: 'active',
        description: 'billing',
        headers: { 'X-Team': 'billing' },
        timeoutMs: 5000,
        rateLimitPerSecond: 10,
        metadata: { owner: 'ops' },
        previousSecrets: [],
      });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

      const read = await a.get(`/endpoints/${created.id}`);
      expect(read.status).toBe(200);
      expect(read.body.secret).toBe(`whsec_…${created.secret.slice(-4)}`);
      expect(JSON.stringify(read.body)).not.toContain(created.secret.slice(6));
      const list = await a.get('/endpoints?limit=100');
      expect(JSON.stringify(list.body)).not.toContain(created.secret.slice(6));
    });

    it('accepts a given secret and refuses short or malformed ones', async () => {
      const created = await createEndpoint(a, { secret: VALID_SECRET });
      expect(created.secret).toBe(VALID_SECRET);
      const short = await a.post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'], secret: `whsec_${Buffer.alloc(8).toString('base64')}` });
      expect(short.status).toBe(400);
      expect(short.body.message).toMatch(/secret/);
      const malformed = await a.post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'], secret: 'whsec_!!!not base64!!!' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(/secret/);
      const noPrefix = await a.post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'], secret: Buffer.alloc(32, 1).toString('base64') });
      expect(noPrefix.status).toBe(400);
      expect((await a.post('/endpoints', { url: nextUrl(), eventTypes: ['invoice.paid'], secret: 42 })).status).toBe(400);
    });

    it.each([
      ['a missing url', { eventTypes: ['invoice.paid'] }, /url/],
      ['a url of the wrong type', { url: 12, eventTypes: ['invoice.paid'] }, /url/],
      ['a relative url', { url: '/hook', eventTypes: ['invoice.paid'] }, /url/],
      ['an ftp url', { url: 'ftp://127.0.0.1/hook', eventTypes: ['invoice.paid'] }, /url/],
      ['a url with credentials', { url: 'http://user:pw@127.0.0.1/hook', eventTypes: ['invoice.paid'] }, /url/],
      ['a private address', { url: 'http://10.1.2.3/hook', eventTypes: ['invoice.paid'] }, /url/],
      ['a link-local (metadata) address', { url: 'http://169.254.169.254/latest', eventTypes: ['invoice.paid'] }, /url/],
      ['a url longer than 2048 characters', { url: `http://127.0.0.1/${'a'.repeat(2050)}`, eventTypes: ['invoice.paid'] }, /url/],
      ['missing event types', { url: 'http://127.0.0.1:9/x' }, /eventTypes/],
      ['an empty event type list', { url: 'http://127.0.0.1:9/x', eventTypes: [] }, /eventTypes/],
      ['event types of the wrong type', { url: 'http://127.0.0.1:9/x', eventTypes: 'invoice.paid' }, /eventTypes/],
      ['an unknown event type', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.burned'] }, /eventTypes.*invoice\.burned/],
      ['an unknown field', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], owner: 'me' }, /owner should not exist/],
      ['headers that are not strings', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], headers: { 'X-A': 1 } }, /headers/],
      ['a header name with a space', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], headers: { 'X A': 'b' } }, /headers/],
      ['a timeout out of range', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], timeoutMs: 3_600_000 }, /timeoutMs/],
      ['a fractional rate limit', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], rateLimitPerSecond: 1.5 }, /rateLimitPerSecond/],
      ['a negative rate limit', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], rateLimitPerSecond: -1 }, /rateLimitPerSecond/],
      ['an invalid retry schedule', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], retrySchedule: { delaysMs: [] } }, /retrySchedule/],
      ['a description too long', { url: 'http://127.0.0.1:9/x', eventTypes: ['invoice.paid'], description: 'd'.repeat(1025) }, /description/],
    ])('answers 400 naming the field for %s', async (_case, body, message) => {
      const answer = await a.post('/endpoints', body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const answer = await a.post('/endpoints', '{"url": ', {});
      expect(answer.status).toBe(400);
    });

    it('answers 409 for a URL the tenant already uses; another tenant may use it', async () => {
      const url = nextUrl();
      expect((await a.post('/endpoints', { url, eventTypes: ['*'] })).status).toBe(201);
      const again = await a.post('/endpoints', { url, eventTypes: ['invoice.*'] });
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/url/);
      expect((await b.post('/endpoints', { url, eventTypes: ['*'] })).status).toBe(201);
    });
  });

  describe('GET /endpoints', () => {
    it('pages newest first with an opaque cursor, and filters by event type and status', async () => {
      const tenant = a.as('key-tenant-b');
      const made = [];
      for (const eventTypes of [['invoice.paid'], ['payment.*'], ['*'], ['invoice.created'], ['payment.verified']]) made.push(await createEndpoint(tenant, { eventTypes }));
      const all = await tenant.get('/endpoints?limit=100');
      const ids = all.body.data.map((endpoint: { id: string }) => endpoint.id);
      expect(ids.slice(0, 5)).toEqual(made.map((endpoint) => endpoint.id).reverse());

      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const page: any = await tenant.get(`/endpoints?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.status).toBe(200);
        pages.push(page.body.data.map((endpoint: { id: string }) => endpoint.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(pages.flat()).toEqual(ids);
      expect(pages.every((page) => page.length <= 2)).toBe(true);

      // Earlier tests left endpoints of this tenant too: they are older than these five.
      const payment = await tenant.get('/endpoints?eventType=payment.verified&limit=100');
      const matching = payment.body.data.map((endpoint: { id: string }) => endpoint.id);
      expect(matching.slice(0, 3)).toEqual([made[4].id, made[2].id, made[1].id]);
      expect(matching).not.toContain(made[0].id);
      expect(matching).not.toContain(made[3].id);
      const firstOfTwo = await tenant.get('/endpoints?eventType=payment.verified&limit=2');
      expect(firstOfTwo.body.data).toHaveLength(2);
      const second = await tenant.get(`/endpoints?eventType=payment.verified&limit=${matching.length}&cursor=${firstOfTwo.body.nextCursor}`);
      expect(second.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual(matching.slice(2));
      expect(second.body.nextCursor).toBeNull();

      await tenant.patch(`/endpoints/${made[0].id}`, { status: 'paused' });
      const paused = await tenant.get('/endpoints?status=paused&limit=100');
      expect(paused.body.data.map((endpoint: { id: string }) => endpoint.id)).toEqual([made[0].id]);
    });

    it.each([
      ['a cursor that is not base64 JSON', 'cursor=abc', /cursor/],
      ['a forged cursor', `cursor=${Buffer.from(JSON.stringify([1, 'x'])).toString('base64url')}`, /cursor/],
      ['an empty cursor', 'cursor=', /cursor/],
      ['limit 0', 'limit=0', /limit/],
      ['limit 101', 'limit=101', /limit/],
      ['a limit that is not a number', 'limit=ten', /limit/],
      ['an unknown status', 'status=sleeping', /status/],
      ['an unknown query field', 'colour=red', /colour should not exist/],
    ])('answers 400 for %s', async (_case, query, message) => {
      const answer = await a.get(`/endpoints?${query}`);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });
  });

  describe('GET, PATCH, DELETE /endpoints/:id', () => {
    it('answers 400 for an id that is not a uuid and 404 for an unknown one', async () => {
      for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/rotate-secret'], ['POST', '/test'], ['POST', '/recover'], ['GET', '/stats']]) {
        const bad = await a.request(method, `/endpoints/not-a-uuid${path}`, method === 'GET' || method === 'DELETE' ? undefined : {});
        expect([method, path, bad.status, bad.body.message]).toEqual([method, path, 400, 'id must be a UUID']);
      }
      const unknown = randomUUID();
      expect((await a.get(`/endpoints/${unknown}`)).status).toBe(404);
      expect((await a.patch(`/endpoints/${unknown}`, { description: 'x' })).status).toBe(404);
      expect((await a.delete(`/endpoints/${unknown}`)).status).toBe(404);
    });

    it('updates what is sent, clears what is null, and keeps the rest', async () => {
      const created = await createEndpoint(a, { description: 'before', headers: { 'X-A': '1' } });
      const url = nextUrl();
      const updated = await a.patch(`/endpoints/${created.id}`, { url, eventTypes: ['payment.*'], description: null, timeoutMs: 1000 });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ url, eventTypes: ['payment.*'], description: null, timeoutMs: 1000, headers: { 'X-A': '1' } });
      expect((await a.patch(`/endpoints/${created.id}`, {})).body).toMatchObject({ url, description: null });

      const disabled = await a.patch(`/endpoints/${created.id}`, { status: 'disabled' });
      expect(disabled.body).toMatchObject({ status: 'disabled', disabledReason: 'disabled by request' });
      const enabled = await a.patch(`/endpoints/${created.id}`, { status: 'active' });
      expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null });
      expect((await a.get(`/endpoints/${created.id}`)).body.url).toBe(url);
    });

    it.each([
      ['a null url', { url: null }, /url/],
      ['a bad url', { url: 'https://10.0.0.1/x' }, /url/],
      ['null event types', { eventTypes: null }, /eventTypes/],
      ['an unknown event type', { eventTypes: ['nope.nope'] }, /eventTypes/],
      ['an unknown status', { status: 'deleted' }, /status/],
      ['an unknown field', { secret: VALID_SECRET }, /secret should not exist/],
      ['a timeout of the wrong type', { timeoutMs: '100' }, /timeoutMs/],
    ])('PATCH answers 400 naming the field for %s', async (_case, body, message) => {
      const created = await createEndpoint();
      const answer = await a.patch(`/endpoints/${created.id}`, body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });

    it('PATCH answers 409 for a URL another endpoint of the tenant has', async () => {
      const first = await createEndpoint();
      const second = await createEndpoint();
      expect((await a.patch(`/endpoints/${second.id}`, { url: first.url })).status).toBe(409);
    });

    it('DELETE soft-deletes (204, then 404) and cancels the deliveries still waiting', async () => {
      const created = await createEndpoint();
      const eventId = randomUUID();
      const now = new Date();
      const later = new Date(now.getTime() + 3_600_000);
      await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId: 'tenant-a', data: {}, idempotencyKey: null, createdAt: now });
      const delivery = (status: DeliveryStatus) => ({
        id: randomUUID(), eventId, endpointId: created.id, tenantId: 'tenant-a', eventType: 'invoice.paid', status, attemptCount: 1, nextAttemptAt: later, createdAt: now, updatedAt: now,
      });
      const waiting = delivery(DeliveryStatus.Retrying);
      const done = { ...delivery(DeliveryStatus.Succeeded), nextAttemptAt: null };
      // One row per insert: TypeORM 1.1 on SQLite may swap the ids of the objects passed to a multi-row insert.
      await dataSource.getRepository(WebhookDelivery).insert(waiting);
      await dataSource.getRepository(WebhookDelivery).insert(done);

      const removed = await a.delete(`/endpoints/${created.id}`);
      expect(removed.status).toBe(204);
      expect(removed.body).toBeUndefined();
      expect((await a.get(`/endpoints/${created.id}`)).status).toBe(404);
      expect((await a.delete(`/endpoints/${created.id}`)).status).toBe(404);
      const list = await a.get('/endpoints?limit=100');
      expect(list.body.data.map((endpoint: { id: string }) => endpoint.id)).not.toContain(created.id);
      const repository = dataSource.getRepository(WebhookDelivery);
      expect((await repository.findOneByOrFail({ id: waiting.id })).status).toBe(DeliveryStatus.Cancelled);
      expect((await repository.findOneByOrFail({ id: done.id })).status).toBe(DeliveryStatus.Succeeded);
    });
  });

  describe('POST /endpoints/:id/rotate-secret', () => {
    it('answers the new secret in full and keeps the old one, masked, for the overlap', async () => {
      const created = await createEndpoint();
      const rotated = await a.post(`/endpoints/${created.id}/rotate-secret`, { overlapSeconds: 600 });
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(created.secret);
      expect(rotated.body.previousSecrets).toEqual([{ secret: `whsec_…${created.secret.slice(-4)}`, expiresAt: expect.any(String) }]);
      const expiresIn = new Date(rotated.body.previousSecrets[0].expiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(500_000);
      expect(expiresIn).toBeLessThanOrEqual(600_000);
      const read = await a.get(`/endpoints/${created.id}`);
      expect(JSON.stringify(read.body)).not.toContain(rotated.body.secret.slice(6));
    });

    it('defaults to a 24 h overlap, keeps at most 5 previous secrets and drops the oldest', async () => {
      const created = await createEndpoint();
      const secrets = [created.secret];
      for (let i = 0; i < 6; i++) secrets.push((await a.post(`/endpoints/${created.id}/rotate-secret`, {})).body.secret);
      const read = await a.get(`/endpoints/${created.id}`);
      expect(read.body.previousSecrets.map((entry: { secret: string }) => entry.secret)).toEqual(secrets.slice(1, 6).map((secret) => `whsec_…${secret.slice(-4)}`));
      const expiresIn = new Date(read.body.previousSecrets[4].expiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(23 * 3_600_000);
      expect(expiresIn).toBeLessThanOrEqual(24 * 3_600_000);
    });

    it('accepts a given secret, and overlap 0 retires the old one at once', async () => {
      const created = await createEndpoint();
      const rotated = await a.post(`/endpoints/${created.id}/rotate-secret`, { secret: VALID_SECRET, overlapSeconds: 0 });
      expect(rotated.body).toMatchObject({ secret: VALID_SECRET, previousSecrets: [] });
    });

    it.each([
      ['a negative overlap', { overlapSeconds: -1 }, /overlapSeconds/],
      ['an overlap above 7 days', { overlapSeconds: 8 * 86_400 }, /overlapSeconds/],
      ['a fractional overlap', { overlapSeconds: 1.5 }, /overlapSeconds/],
      ['a short secret', { secret: 'whsec_c2hvcnQ=' }, /secret/],
      ['an unknown field', { reason: 'leak' }, /reason should not exist/],
    ])('answers 400 for %s', async (_case, body, message) => {
      const created = await createEndpoint();
      const answer = await a.post(`/endpoints/${created.id}/rotate-secret`, body);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    });
  });

  it("another tenant's endpoint answers 404 on every endpoint route and stays unchanged", async () => {
    const created = await createEndpoint(a, { description: 'mine' });
    const path = `/endpoints/${created.id}`;
    const answers = [
      await b.get(path),
      await b.patch(path, { description: 'theirs' }),
      await b.delete(path),
      await b.post(`${path}/rotate-secret`, {}),
      await b.post(`${path}/test`),
      await b.post(`${path}/recover`, { since: '2020-01-01T00:00:00Z' }),
      await b.get(`${path}/stats`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(JSON.stringify(answers.map((answer) => answer.body))).not.toContain(created.url);
    const listed = await b.get('/endpoints?limit=100');
    expect(listed.body.data.map((endpoint: { id: string }) => endpoint.id)).not.toContain(created.id);
    const mine = await a.get(path);
    expect(mine.body).toMatchObject({ description: 'mine', secret: `whsec_…${created.secret.slice(-4)}`, status: 'active' });
  });
});
