import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EndpointSecretsReencryptor, EndpointsService, WebhooksService, type SecretEncryptionKey } from 'nestjs-webhooks';
import { ApiClient } from './support/api-fixture';
import { BACKEND_ROWS, postgresWithBull, type TestBackend } from './support/backends';
import { TestReceiver } from './support/receiver';
import { CapturedLogs, startSecurityApp } from './support/security-app';

// Custom headers that carry credentials (`Authorization: Bearer …`, `X-Api-Key`, cookies)
// were stored in plaintext and shown in full by every answer. They are now sealed at rest
// with the endpoint secrets' cipher, redacted in every answer, and still sent in full.

const newKey = (id: string): SecretEncryptionKey => ({ id, key: randomBytes(32).toString('base64') });
const K1 = newKey('k1');
const K2 = newKey('k2');

async function rawHeaders(dataSource: DataSource, id: string): Promise<Record<string, string>> {
  const [row] = await dataSource.query(`SELECT headers FROM ${dataSource.driver.escape('webhook_endpoints')} WHERE id = ${dataSource.driver.createParameter('id', 0)}`, [id]);
  return typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers;
}

/** Writes the headers column as a row from before this change holds it: plaintext. */
async function writeRawHeaders(dataSource: DataSource, id: string, headers: Record<string, string>): Promise<void> {
  const { driver } = dataSource;
  await dataSource.query(
    `UPDATE ${driver.escape('webhook_endpoints')} SET ${driver.escape('headers')} = ${driver.createParameter('headers', 0)} WHERE id = ${driver.createParameter('id', 1)}`,
    [JSON.stringify(headers), id],
  );
}

describe('credential-like custom headers on PostgreSQL + Bull', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let dataSource: DataSource;
  let api: ApiClient;
  const logs = new CapturedLogs();
  const token = `tok_${randomBytes(12).toString('hex')}`;
  const apiKey = `key_${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    app = await startSecurityApp({ database: backend.database, withoutRedis: false, webhooks: { secretEncryption: { keys: [K1] } }, logger: logs, api: true });
    dataSource = app.get(DataSource);
    api = await ApiClient.of(app, 'key-tenant-a');
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('seals them at rest, redacts them in every answer and sends them in full', async () => {
    const headers = { Authorization: `Bearer ${token}`, 'X-Api-Key': apiKey, 'X-Team': 'billing' };
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['payment.verified'], headers });
    expect(created.status).toBe(201);
    const redacted = { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', 'X-Team': 'billing' };
    expect(created.body.headers).toEqual(redacted);
    expect((await api.get(`/endpoints/${created.body.id}`)).body.headers).toEqual(redacted);
    expect((await api.get('/endpoints')).body.data[0].headers).toEqual(redacted);

    const stored = await rawHeaders(dataSource, created.body.id);
    expect(stored).toEqual({ Authorization: expect.stringMatching(/^enc:v1:k1:/), 'X-Api-Key': expect.stringMatching(/^enc:v1:k1:/), 'X-Team': 'billing' });
    expect(JSON.stringify(await dataSource.query('SELECT * FROM webhook_endpoints'))).not.toContain(token);

    await app.get(WebhooksService).publish('payment.verified', { n: 1 }, { tenantId: 'tenant-a' });
    const [request] = await receiver.waitForRequests(1);
    expect(request.headers).toMatchObject({ authorization: `Bearer ${token}`, 'x-api-key': apiKey, 'x-team': 'billing' });
    const attempts = JSON.stringify((await api.get('/deliveries')).body);
    expect(attempts).not.toContain(token);
    expect(logs.text()).not.toContain(token);
  });

  it('keeps a stored value when an update sends back the redacted one, and replaces it with a new one', async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint('/round-trip'), eventTypes: ['invoice.paid'], headers: { Authorization: `Bearer ${token}` } });
    const answer = await api.get(`/endpoints/${created.body.id}`);
    await api.patch(`/endpoints/${created.body.id}`, { headers: { ...answer.body.headers, 'X-Extra': '1' } });
    expect((await app.get(EndpointsService).get(created.body.id, { tenantId: 'tenant-a' })).headers).toEqual({ Authorization: `Bearer ${token}`, 'X-Extra': '1' });
    await api.patch(`/endpoints/${created.body.id}`, { headers: { Authorization: 'Bearer next' } });
    expect((await app.get(EndpointsService).get(created.body.id, { tenantId: 'tenant-a' })).headers).toEqual({ Authorization: 'Bearer next' });
  });
});

describe.each(BACKEND_ROWS)('credential-like headers stored in plaintext before, on %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let receiver: TestReceiver;
  let app: INestApplication;

  beforeAll(async () => {
    backend = await backendFactory.create();
    receiver = await TestReceiver.start();
    app = await startSecurityApp({ database: backend.database, withoutRedis: true, webhooks: { secretEncryption: { keys: [K2, K1] }, pollIntervalMs: 50 }, api: true });
  });

  afterEach(() => {
    receiver.requests.length = 0;
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('are still read, redacted and sent, and the re-encryptor seals them under the current key', async () => {
    const dataSource = app.get(DataSource);
    const endpoint = await app.get(EndpointsService).create({ url: receiver.endpoint(), eventTypes: ['invoice.paid'], tenantId: 'tenant-a' });
    await writeRawHeaders(dataSource, endpoint.id, { Cookie: 'session=legacy', 'X-Team': 'ops' });
    const api = await ApiClient.of(app, 'key-tenant-a');
    expect((await api.get(`/endpoints/${endpoint.id}`)).body.headers).toEqual({ Cookie: '[redacted]', 'X-Team': 'ops' });

    await app.get(WebhooksService).publish('invoice.paid', { n: 1 }, { tenantId: 'tenant-a' });
    const [request] = await receiver.waitForRequests(1);
    expect(request.headers).toMatchObject({ cookie: 'session=legacy', 'x-team': 'ops' });

    expect(await app.get(EndpointSecretsReencryptor).reencryptAll()).toMatchObject({ reencrypted: 1 });
    expect(await rawHeaders(dataSource, endpoint.id)).toEqual({ Cookie: expect.stringMatching(/^enc:v1:k2:/), 'X-Team': 'ops' });
    expect((await app.get(EndpointsService).get(endpoint.id, { tenantId: 'tenant-a' })).headers).toEqual({ Cookie: 'session=legacy', 'X-Team': 'ops' });
  });
});
