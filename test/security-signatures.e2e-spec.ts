import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHmac, createPublicKey, verify } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Webhook } from 'standardwebhooks';
import { EndpointsService, generateEd25519SigningKey, WebhookEndpoint, WebhooksService } from 'nestjs-webhooks';
import { verifyWebhook } from 'nestjs-webhooks/receiver';
import { postgresWithBull, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';
import { TestReceiver } from './support/receiver';

// Signature schemes over real HTTP (SPEC §3): ed25519 `v1a,` per endpoint, checked with
// node:crypto alone, and the legacy `X-Webhook-Signature: sha256=<hex>` per endpoint or for all.

/** node:crypto's own ed25519 check of a `v1a,` entry against a `whpk_` public key. */
function ed25519Verifies(publicKey: string, id: string, timestamp: string, body: string, entry: string): boolean {
  const raw = Buffer.from(publicKey.slice('whpk_'.length), 'base64');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return verify(null, Buffer.from(`${id}.${timestamp}.${body}`), key, Buffer.from(entry.slice('v1a,'.length), 'base64'));
}

describe.each([
  ['per endpoint', false],
  ['for every endpoint (module option)', true],
])('signatures on PostgreSQL + Bull, legacy header %s', (_label, legacyForAll) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let endpoints: EndpointsService;
  let webhooks: WebhooksService;
  let dataSource: DataSource;
  let tenant = 0;
  let tenantId: string;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { legacySignatureHeader: legacyForAll } });
    endpoints = app.get(EndpointsService);
    webhooks = app.get(WebhooksService);
    dataSource = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  beforeEach(async () => {
    await receiver?.close();
    receiver = await TestReceiver.start();
    tenantId = `sig-${++tenant}`;
  });

  // NOTE: EndpointsService takes `whsec_` secrets only for now; the signing key is stored
  // through the repository, as the service would once it accepts `whsk_` keys.
  async function ed25519Endpoint() {
    const endpoint = await endpoints.create({ url: receiver.endpoint(), eventTypes: ['payment.verified'], tenantId });
    const keys = generateEd25519SigningKey();
    await dataSource.getRepository(WebhookEndpoint).update(endpoint.id, { secret: keys.signingKey, legacySignatureHeader: true });
    return { endpoint, ...keys };
  }

  it('sends v1a signatures that node:crypto verifies with the public key alone', async () => {
    const { publicKey } = await ed25519Endpoint();
    const { eventId } = await webhooks.publish('payment.verified', { amount: 42, note: 'Zoë' }, { tenantId });
    const [request] = await receiver.waitForRequests(1);
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-id']).toBe(eventId);
    expect(headers['webhook-signature']).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(ed25519Verifies(publicKey, headers['webhook-id'], headers['webhook-timestamp'], request.body, headers['webhook-signature'])).toBe(true);
    expect(ed25519Verifies(publicKey, headers['webhook-id'], headers['webhook-timestamp'], request.body.replace('42', '43'), headers['webhook-signature'])).toBe(false);
    expect(verifyWebhook(request.body, headers, publicKey).payload).toMatchObject({ data: { amount: 42, note: 'Zoë' } });
    // No shared secret, so no legacy HMAC header, whatever the settings say.
    expect(headers['x-webhook-signature']).toBeUndefined();
  });

  it('signs with the old HMAC secret next to the new ed25519 key while a switch overlaps', async () => {
    const endpoint = await endpoints.create({ url: receiver.endpoint(), eventTypes: ['payment.verified'], tenantId });
    const { signingKey, publicKey } = generateEd25519SigningKey();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    await dataSource.getRepository(WebhookEndpoint).update(endpoint.id, { secret: signingKey, previousSecrets: [{ secret: endpoint.secret, expiresAt }] });
    await webhooks.publish('payment.verified', {}, { tenantId });
    const [request] = await receiver.waitForRequests(1);
    const headers = request.headers as Record<string, string>;
    expect(headers['webhook-signature'].split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1']);
    expect(new Webhook(endpoint.secret).verify(request.body, headers)).toBeTruthy();
    expect(verifyWebhook(request.body, headers, publicKey).id).toBe(headers['webhook-id']);
  });

  it(`sends X-Webhook-Signature ${legacyForAll ? 'to an endpoint that did not ask' : 'to the endpoint that asks for it'}`, async () => {
    const endpoint = await endpoints.create({ url: receiver.endpoint(), eventTypes: ['payment.verified'], tenantId });
    if (!legacyForAll) await dataSource.getRepository(WebhookEndpoint).update(endpoint.id, { legacySignatureHeader: true });
    await webhooks.publish('payment.verified', { n: 1 }, { tenantId });
    const [request] = await receiver.waitForRequests(1);
    // What a receiver written to that convention computes: hex HMAC-SHA256 of the raw body, keyed with the secret string.
    const expected = `sha256=${createHmac('sha256', endpoint.secret).update(request.body).digest('hex')}`;
    expect(request.headers['x-webhook-signature']).toBe(expected);
    expect(new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>)).toBeTruthy();
  });

  if (!legacyForAll) {
    it('does not send X-Webhook-Signature unless asked', async () => {
      await endpoints.create({ url: receiver.endpoint(), eventTypes: ['payment.verified'], tenantId });
      await webhooks.publish('payment.verified', {}, { tenantId });
      const [request] = await receiver.waitForRequests(1);
      expect(request.headers['x-webhook-signature']).toBeUndefined();
    });
  }
});
