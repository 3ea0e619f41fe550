import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { DeliveryStatus, EndpointSecretsReencryptor, EndpointsService, SecretEncryptionConfigError, StoredSecretError, WebhookDelivery, WebhooksService, type SecretEncryptionKey } from 'nestjs-webhooks';
import { verifyWebhook } from 'nestjs-webhooks/receiver';
import { ApiClient } from './support/api-fixture';
import { BACKEND_ROWS, postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';
import { respond, TestReceiver } from './support/receiver';
import { CapturedLogs, startSecurityApp } from './support/security-app';
import { waitFor } from './support/wait-for';

// Secrets at rest (SPEC §6): AES-256-GCM under a key ring from the options, never in a row,
// a log line or an API answer after creation; key rotation; the startup rules.

const newKey = (id: string): SecretEncryptionKey => ({ id, key: randomBytes(32).toString('base64') });
const K1 = newKey('k1');
const K2 = newKey('k2');

/** Every row of every webhook table, as one string. */
async function wholeDatabase(dataSource: DataSource): Promise<string> {
  const tables = ['webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_attempts'];
  const rows = await Promise.all(tables.map((table) => dataSource.query(`SELECT * FROM ${dataSource.driver.escape(table)}`)));
  return JSON.stringify(rows);
}

async function rawEndpoint(dataSource: DataSource, id: string): Promise<{ secret: string; previousSecrets: unknown }> {
  const [row] = await dataSource.query(`SELECT * FROM ${dataSource.driver.escape('webhook_endpoints')} WHERE id = ${dataSource.driver.createParameter('id', 0)}`, [id]);
  return { ...row, previousSecrets: typeof row.previousSecrets === 'string' ? JSON.parse(row.previousSecrets) : row.previousSecrets };
}

/** The forms of a secret that must not leak: the whole string and its key material. */
const formsOf = (secret: string) => [secret, secret.replace(/^whsec_/, '')];

describe('a full cycle on PostgreSQL + Bull leaves the secret in no row, no log line and no later API answer', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let dataSource: DataSource;
  let api: ApiClient;
  const logs = new CapturedLogs();
  const PAYLOAD_MARKER = `card-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    app = await startSecurityApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { secretEncryption: { keys: [K1] } }, logger: logs, api: true });
    dataSource = app.get(DataSource);
    api = await ApiClient.of(app, 'key-tenant-a');
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('creates, delivers with a retry, rotates and delivers again without leaking a secret', async () => {
    const created = await api.post('/endpoints', { url: receiver.endpoint(), eventTypes: ['payment.verified'] });
    expect(created.status).toBe(201);
    const first: string = created.body.secret;
    expect(first).toMatch(/^whsec_/);

    const stored = await rawEndpoint(dataSource, created.body.id);
    expect(stored.secret).toMatch(/^enc:v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);

    // A delivery that fails once, then succeeds: every log line of the cycle is captured.
    receiver.script(respond(500, {}, 'try again'));
    const published = await api.post('/events', { type: 'payment.verified', data: { card: PAYLOAD_MARKER } });
    expect(published.status).toBe(202);
    const [failedRequest, okRequest] = await receiver.waitForRequests(2);
    expect(verifyWebhook(okRequest.body, okRequest.headers as Record<string, string>, first).payload).toMatchObject({ data: { card: PAYLOAD_MARKER } });
    expect(new Webhook(first).verify(failedRequest.body, failedRequest.headers as Record<string, string>)).toBeTruthy();
    const delivery = await waitFor(async () => {
      const found = await dataSource.getRepository(WebhookDelivery).findOneBy({ eventId: published.body.eventId });
      return found?.status === DeliveryStatus.Succeeded ? found : null;
    });

    // Rotation: the new secret appears in this answer only; both sign during the overlap.
    const rotated = await api.post(`/endpoints/${created.body.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.secret;
    expect(second).not.toBe(first);
    const afterRotation = await rawEndpoint(dataSource, created.body.id);
    expect(afterRotation.secret).toMatch(/^enc:v1:k1:/);
    expect(afterRotation.previousSecrets).toEqual([{ secret: expect.stringMatching(/^enc:v1:k1:/), expiresAt: expect.any(String) }]);

    await api.post('/events', { type: 'payment.verified', data: { card: PAYLOAD_MARKER } });
    const [, , both] = await receiver.waitForRequests(3);
    expect(both.headers['webhook-signature']!.toString().split(' ')).toHaveLength(2);
    expect(verifyWebhook(both.body, both.headers as Record<string, string>, first).id).toBeDefined();
    expect(verifyWebhook(both.body, both.headers as Record<string, string>, second).id).toBeDefined();

    // Every later answer of the API, the test route included.
    const answers = await Promise.all([
      api.get('/endpoints'),
      api.get(`/endpoints/${created.body.id}`),
      api.patch(`/endpoints/${created.body.id}`, { description: 'billing' }),
      api.post(`/endpoints/${created.body.id}/test`),
      api.get(`/endpoints/${created.body.id}/stats`),
      api.get('/events'),
      api.get(`/events/${published.body.eventId}`),
      api.get('/deliveries'),
      api.get(`/deliveries/${delivery.id}`),
      api.raw('/deliveries/export?format=ndjson').then(async (response) => ({ status: response.status, body: await response.text() })),
      api.raw('/deliveries/export?format=csv').then(async (response) => ({ status: response.status, body: await response.text() })),
      api.get('/stats'),
      api.get('/failures'),
      api.get('/queue'),
    ]);
    for (const answer of answers) expect(answer.status).toBeLessThan(300);
    const everything = JSON.stringify(answers.map((answer) => answer.body));
    expect(everything).toContain(created.body.id);
    for (const form of [...formsOf(first), ...formsOf(second)]) expect(everything).not.toContain(form);
    expect((answers[1].body as { secret: string }).secret).toBe(`whsec_…${second.slice(-4)}`);

    const database = await wholeDatabase(dataSource);
    expect(database).toContain(PAYLOAD_MARKER); // the event data is stored, as it must be
    for (const form of [...formsOf(first), ...formsOf(second)]) expect(database).not.toContain(form);

    await app.close(); // shutdown logs count too
    const logged = logs.text();
    expect(logs.lines.some((line) => line.level === 'debug' && line.text.includes(delivery.id))).toBe(true);
    for (const form of [...formsOf(first), ...formsOf(second), K1.key, PAYLOAD_MARKER]) expect(logged).not.toContain(form);
  });
});

describe.each(BACKEND_ROWS)('encryption key rotation on the database of %s', (_label, backendFactory) => {
  let backend: TestBackend;
  let receiver: TestReceiver;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    backend = await backendFactory.create();
    receiver = await TestReceiver.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    await receiver?.close();
    await backend?.drop();
  });

  // Embedded dispatch: the app restarts with each key ring, and the subject is storage.
  const start = async (keys: SecretEncryptionKey[]) => {
    app = await startSecurityApp({ database: backend.database, withoutRedis: true, webhooks: { secretEncryption: { keys }, pollIntervalMs: 50 } });
    return { endpoints: app.get(EndpointsService), dataSource: app.get(DataSource), webhooks: app.get(WebhooksService) };
  };
  const restart = async (keys: SecretEncryptionKey[]) => {
    await app?.close();
    return start(keys);
  };

  it('reads old rows with the old key, writes new rows with the new key, then re-encrypts the old ones', async () => {
    let { endpoints, dataSource, webhooks } = await start([K1]);
    const old = await endpoints.create({ url: receiver.endpoint('/old'), eventTypes: ['payment.verified'], tenantId: 'rot' });
    const oldSecret = old.secret;
    await endpoints.rotateSecret(old.id, { overlapSeconds: 3600 }, { tenantId: 'rot' });
    const oldCurrent = (await endpoints.get(old.id, { tenantId: 'rot' })).secret;
    expect((await rawEndpoint(dataSource, old.id)).secret).toMatch(/^enc:v1:k1:/);

    ({ endpoints, dataSource, webhooks } = await restart([K2, K1]));
    const reread = await endpoints.get(old.id, { tenantId: 'rot' });
    expect(reread.secret).toBe(oldCurrent);
    expect(reread.previousSecrets.map((entry) => entry.secret)).toEqual([oldSecret]);
    const fresh = await endpoints.create({ url: receiver.endpoint('/new'), eventTypes: ['invoice.paid'], tenantId: 'rot' });
    expect((await rawEndpoint(dataSource, fresh.id)).secret).toMatch(/^enc:v1:k2:/);

    // The worker signs with the secret it decrypted under the old key.
    await webhooks.publish('payment.verified', { n: 1 }, { tenantId: 'rot' });
    const [request] = await receiver.waitForRequests(1);
    expect(verifyWebhook(request.body, request.headers as Record<string, string>, oldCurrent).payload).toMatchObject({ data: { n: 1 } });
    expect(verifyWebhook(request.body, request.headers as Record<string, string>, oldSecret).payload).toMatchObject({ data: { n: 1 } });

    const report = await app!.get(EndpointSecretsReencryptor).reencryptAll(1);
    expect(report).toEqual({ examined: 2, reencrypted: 1, skipped: 0 });
    const reencrypted = await rawEndpoint(dataSource, old.id);
    expect(reencrypted.secret).toMatch(/^enc:v1:k2:/);
    expect(reencrypted.previousSecrets).toEqual([{ secret: expect.stringMatching(/^enc:v1:k2:/), expiresAt: expect.any(String) }]);
    expect(await app!.get(EndpointSecretsReencryptor).reencryptAll()).toEqual({ examined: 2, reencrypted: 0, skipped: 0 });

    // The old key can go now.
    ({ endpoints } = await restart([K2]));
    expect((await endpoints.get(old.id, { tenantId: 'rot' })).secret).toBe(oldCurrent);
    expect((await endpoints.get(fresh.id, { tenantId: 'rot' })).secret).toBe(fresh.secret);

    // A ring that lacks the key of a row says so instead of signing with garbage.
    ({ endpoints } = await restart([K1]));
    await expect(endpoints.get(fresh.id, { tenantId: 'rot' })).rejects.toThrow(StoredSecretError);
    await expect(endpoints.get(fresh.id, { tenantId: 'rot' })).rejects.toThrow('encrypted with key "k2", which secretEncryption.keys does not list');
  });
});

describe('startup rules for secret encryption (SQLite, embedded)', () => {
  let backend: TestBackend;
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    backend = await sqliteEmbedded.create();
  });

  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
  });

  afterAll(async () => {
    await backend?.drop();
  });

  const start = (webhooks: Parameters<typeof startSecurityApp>[0]['webhooks'], logger?: CapturedLogs) =>
    startSecurityApp({ database: backend.database, withoutRedis: true, webhooks, logger });

  it('outside production without a key: stores plain:<secret> and warns once per process, naming the option', async () => {
    const logs = new CapturedLogs();
    for (let run = 0; run < 2; run += 1) {
      const app = await start({}, logs);
      const endpoint = await app.get(EndpointsService).create({ url: `http://127.0.0.1:9/plain-${run}`, eventTypes: ['payment.verified'] });
      expect((await rawEndpoint(app.get(DataSource), endpoint.id)).secret).toBe(`plain:${endpoint.secret}`);
      expect(logs.text()).not.toContain(endpoint.secret);
      await app.close();
    }
    const warnings = logs.lines.filter((line) => line.level === 'warn' && line.text.includes('secretEncryption is not configured'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].text).toContain('required when NODE_ENV is "production"');
  });

  it('refuses to start in production without a key, naming the option', async () => {
    process.env.NODE_ENV = 'production';
    const failure = await start({}).then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SecretEncryptionConfigError);
    expect((failure as Error).message).toMatch(/the secretEncryption option is required when NODE_ENV is "production"/);
  });

  it('starts in production with the module disabled and no key, but stores no secret', async () => {
    process.env.NODE_ENV = 'production';
    const app = await start({ enabled: false });
    try {
      const before = await app.get(DataSource).query('SELECT COUNT(*) AS n FROM webhook_endpoints');
      await expect(app.get(EndpointsService).create({ url: 'http://127.0.0.1:9/refused', eventTypes: ['payment.verified'] })).rejects.toThrow(
        'secretEncryption is required when NODE_ENV is "production"',
      );
      expect(await app.get(DataSource).query('SELECT COUNT(*) AS n FROM webhook_endpoints')).toEqual(before);
    } finally {
      await app.close();
    }
  });

  it('starts in production with a key', async () => {
    process.env.NODE_ENV = 'production';
    const app = await start({ secretEncryption: { keys: [K1] } });
    await app.close();
  });

  it('refuses a malformed key ring at startup, naming the entry and never the key', async () => {
    const bad = randomBytes(16).toString('base64');
    const failure = await start({ secretEncryption: { keys: [K1, { id: 'k2', key: bad }] } }).then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toBe('secretEncryption.keys[1].key must be the base64 of 32 bytes (e.g. from "openssl rand -base64 32")');
  });
});
