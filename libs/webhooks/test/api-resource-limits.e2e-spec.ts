// Holds exports open through the internal export reader, so this suite lives with the library.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictException, Injectable, type INestApplication } from '@nestjs/common';
import { EndpointsService, type WebhookDelivery } from 'nestjs-webhooks';
// Internal: the one provider the test replaces, to hold exports open for as long as it needs.
import { DeliveryExportReader } from '../src/storage/queries/delivery-export.reader';
import { ApiClient, startApiApp } from '../../../test/support/api-fixture';
import { postgresWithBull, type TestBackend } from '../../../test/support/backends';
import { waitFor } from '../../../test/support/wait-for';

// Limits on what one caller can hold: endpoints per tenant (they were unbounded) and
// exports streaming at once (each holds a database connection while its client reads).

const MAX_ENDPOINTS = 3;

/**
 * Exports read nothing until the test opens the gate, so they stay open as long as it wants;
 * `endless` exports then never run out of rows: only a destroyed stream stops one.
 */
const gate = { readers: 0, endless: false, open: (): void => undefined };
let opened = new Promise<void>((resolve) => (gate.open = resolve));
const ROW = { id: '00000000-0000-4000-8000-000000000001', status: 'succeeded', attemptCount: 1, createdAt: new Date(), updatedAt: new Date() } as WebhookDelivery;

@Injectable()
class GatedExportReader extends DeliveryExportReader {
  protected override async readBatch(...args: Parameters<DeliveryExportReader['readBatch']>): Promise<WebhookDelivery[]> {
    gate.readers += 1;
    await opened;
    return gate.endless ? Array(500).fill(ROW) : super.readBatch(...args);
  }
}

describe('management API: resource limits on PostgreSQL + Bull', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let a: ApiClient;
  let b: ApiClient;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startApiApp({
      database: backend.database,
      withoutRedis: false,
      webhooks: { worker: false, maxEndpointsPerTenant: MAX_ENDPOINTS },
      overrides: [{ provide: DeliveryExportReader, useClass: GatedExportReader }],
    });
    a = await ApiClient.of(app, 'key-tenant-a');
    b = a.as('key-tenant-b');
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  const create = (client: ApiClient, n: number) => client.post('/endpoints', { url: `http://127.0.0.1:9/limit-${n}`, eventTypes: ['invoice.paid'] });

  it('refuses a tenant more endpoints than maxEndpointsPerTenant with 409, counting live endpoints only, tenant by tenant', async () => {
    const created = [];
    for (let n = 0; n < MAX_ENDPOINTS; n += 1) created.push((await create(a, n)).body.id as string);
    const refused = await create(a, MAX_ENDPOINTS);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toBe(`this tenant has ${MAX_ENDPOINTS} endpoints, the most it may have (maxEndpointsPerTenant); delete one first`);
    expect((await create(b, 0)).status).toBe(201);

    await a.delete(`/endpoints/${created[0]}`);
    expect((await create(a, MAX_ENDPOINTS)).status).toBe(201);
    expect((await create(a, MAX_ENDPOINTS + 1)).status).toBe(409);
  });

  it('applies the limit to EndpointsService.ensure too, which still finds the endpoints there are', async () => {
    const endpoints = app.get(EndpointsService);
    for (let n = 0; n < MAX_ENDPOINTS; n += 1) await endpoints.ensure({ url: `http://127.0.0.1:9/ensured-${n}`, eventTypes: ['invoice.paid'], tenantId: 'ensured' });
    await expect(endpoints.ensure({ url: 'http://127.0.0.1:9/ensured-more', eventTypes: ['invoice.paid'], tenantId: 'ensured' })).rejects.toThrow(ConflictException);
    expect((await endpoints.ensure({ url: 'http://127.0.0.1:9/ensured-0', eventTypes: ['invoice.paid'], tenantId: 'ensured' })).outcome).toBe('unchanged');
  });

  it('streams at most 2 exports at once and answers 429 with Retry-After past it, until one ends', async () => {
    const running = [a.raw('/deliveries/export'), b.raw('/deliveries/export?format=ndjson')];
    await waitFor(() => gate.readers === 2, { what: 'both exports to start reading' });

    const refused = await a.raw('/deliveries/export');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ statusCode: 429, message: 'at most 2 delivery exports run at once (maxConcurrentExports); retry later' });

    gate.open();
    for (const response of await Promise.all(running)) {
      expect(response.status).toBe(200);
      await response.text();
    }
    expect((await a.raw('/deliveries/export')).status).toBe(200);
  });

  it('frees the slot of an export whose client went away in the middle of it', async () => {
    opened = new Promise<void>((resolve) => (gate.open = resolve));
    Object.assign(gate, { readers: 0, endless: true });
    const aborts = [new AbortController(), new AbortController()];
    const abandoned = aborts.map((abort) => a.raw('/deliveries/export', { signal: abort.signal }).catch(() => null));
    await waitFor(() => gate.readers === 2, { what: 'both exports to start reading' });
    gate.open();
    // Both clients have the first rows of an export that never ends, then walk away.
    for (const response of await Promise.all(abandoned)) await response!.body!.getReader().read();
    for (const abort of aborts) abort.abort();
    gate.endless = false;
    await waitFor(async () => (await a.raw('/deliveries/export')).status === 200, { what: 'a slot to be free again' });
  });
});
