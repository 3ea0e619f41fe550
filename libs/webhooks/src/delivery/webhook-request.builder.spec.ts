import { createHmac, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '../receiving/verify-webhook';
import type { WebhookDelivery } from '../storage/entities/delivery.entity';
import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';
import type { WebhookEvent } from '../storage/entities/event.entity';
import { decodeEd25519PublicKey, generateEd25519SigningKey } from '../signing/ed25519-signing-key';
import { hmacSignature, signedPayload } from '../signing/webhook-signature';
import { decodeWebhookSecret } from '../signing/webhook-secret';
import { buildEnvelope, buildWebhookRequest, signingSecrets } from './webhook-request.builder';

const SECRET = 'whsec_' + Buffer.alloc(32, 0x01).toString('base64');
const PREVIOUS = 'whsec_' + Buffer.alloc(32, 0x02).toString('base64');
const EXPIRED = 'whsec_' + Buffer.alloc(32, 0x03).toString('base64');

const CREATED_AT = new Date('2030-03-04T05:06:07.089Z');
const NOW = new Date('2030-03-04T05:10:00.000Z');
const LATER = new Date('2030-03-04T07:10:00.500Z');

function makeEvent(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    id: '7f6c3b1e-4a8b-4f57-9a43-2d1e6c0b9a11',
    type: 'invoice.paid',
    tenantId: 'tenant-1',
    data: { invoiceId: 'inv_1', amount: 4200, lines: [{ sku: 'a', qty: 2 }], note: 'Zoë' },
    idempotencyKey: null,
    createdAt: CREATED_AT,
    ...overrides,
  } as WebhookEvent;
}

function makeEndpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: '0a3e0f4c-1111-4a4a-8b8b-000000000001',
    tenantId: 'tenant-1',
    url: 'https://hooks.example.com/in',
    description: null,
    eventTypes: ['invoice.*'],
    secret: SECRET,
    previousSecrets: [],
    headers: null,
    ...overrides,
  } as WebhookEndpoint;
}

function makeDelivery(): WebhookDelivery {
  return { id: 'd5d5d5d5-2222-4b4b-9c9c-000000000002' } as WebhookDelivery;
}

function build(endpoint: WebhookEndpoint, now: Date, event: WebhookEvent = makeEvent(), legacySignatureHeader = false) {
  return buildWebhookRequest({ event, endpoint, delivery: makeDelivery(), userAgent: 'Test-Agent/1', legacySignatureHeader }, now);
}

function v1(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${hmacSignature(decodeWebhookSecret(secret), { id, timestamp, body })}`;
}

describe('buildEnvelope', () => {
  it('is id, type, the creation time and data, in that order', () => {
    expect(buildEnvelope(makeEvent())).toBe(
      '{"id":"7f6c3b1e-4a8b-4f57-9a43-2d1e6c0b9a11","type":"invoice.paid","timestamp":"2030-03-04T05:06:07.089Z",' +
        '"data":{"invoiceId":"inv_1","amount":4200,"lines":[{"sku":"a","qty":2}],"note":"Zoë"}}',
    );
  });
});

describe('buildWebhookRequest', () => {
  it('sends identical body bytes on two attempts at different times, with a new timestamp', () => {
    const endpoint = makeEndpoint();
    const first = build(endpoint, NOW);
    const second = build(endpoint, LATER);

    expect(Buffer.from(second.body)).toEqual(Buffer.from(first.body));
    expect(first.body).toBe(buildEnvelope(makeEvent()));
    expect(first.headers['webhook-timestamp']).toBe(String(Math.floor(NOW.getTime() / 1000)));
    expect(second.headers['webhook-timestamp']).toBe(String(Math.floor(LATER.getTime() / 1000)));
    expect(second.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    // The idempotency key stays the event id.
    expect(first.headers['webhook-id']).toBe(makeEvent().id);
    expect(second.headers['webhook-id']).toBe(makeEvent().id);
  });

  it('sets the library headers', () => {
    const request = build(makeEndpoint(), NOW);
    const timestamp = Math.floor(NOW.getTime() / 1000);
    expect(request.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Test-Agent/1',
      'webhook-id': '7f6c3b1e-4a8b-4f57-9a43-2d1e6c0b9a11',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': v1(SECRET, makeEvent().id, timestamp, request.body),
      'x-webhook-event': 'invoice.paid',
      'x-webhook-delivery': 'd5d5d5d5-2222-4b4b-9c9c-000000000002',
    });
    expect(request.recordedHeaders).toEqual(request.headers);
  });

  it('produces a request the receiving side verifies', () => {
    const request = build(makeEndpoint(), NOW);
    expect(verifyWebhook(request.body, request.headers, SECRET, { now: () => NOW }).payload).toEqual(
      JSON.parse(buildEnvelope(makeEvent())),
    );
  });

  describe('previous secrets', () => {
    const endpoint = makeEndpoint({
      previousSecrets: [
        { secret: EXPIRED, expiresAt: '2030-03-04T05:09:59.999Z' },
        { secret: PREVIOUS, expiresAt: '2030-03-05T00:00:00.000Z' },
      ],
    });

    it('sign next to the current secret until they expire', () => {
      const request = build(endpoint, NOW);
      const timestamp = Math.floor(NOW.getTime() / 1000);
      const id = makeEvent().id;
      expect(request.headers['webhook-signature']).toBe(
        `${v1(SECRET, id, timestamp, request.body)} ${v1(PREVIOUS, id, timestamp, request.body)}`,
      );
      expect(request.headers['webhook-signature']).not.toContain(v1(EXPIRED, id, timestamp, request.body));
      expect(verifyWebhook(request.body, request.headers, PREVIOUS, { now: () => NOW }).id).toBe(id);
      expect(() => verifyWebhook(request.body, request.headers, EXPIRED, { now: () => NOW })).toThrow(
        'no signature matches',
      );
    });

    it('are listed current first, expired ones left out', () => {
      expect(signingSecrets(endpoint, NOW)).toEqual([SECRET, PREVIOUS]);
    });

    it('stop signing at their expiry instant', () => {
      expect(signingSecrets(endpoint, new Date('2030-03-04T05:09:59.998Z'))).toEqual([SECRET, EXPIRED, PREVIOUS]);
      expect(signingSecrets(endpoint, new Date('2030-03-04T05:09:59.999Z'))).toEqual([SECRET, PREVIOUS]);
      expect(signingSecrets(endpoint, new Date('2030-03-05T00:00:00.000Z'))).toEqual([SECRET]);
    });

    it('give a single signature once all have expired', () => {
      const request = build(endpoint, new Date('2030-03-06T00:00:00.000Z'));
      expect(request.headers['webhook-signature'].split(' ')).toHaveLength(1);
    });

    it('are optional', () => {
      expect(signingSecrets(makeEndpoint({ previousSecrets: undefined as unknown as [] }), NOW)).toEqual([SECRET]);
    });
  });

  describe('custom headers', () => {
    it('cannot replace the signature, id, timestamp or content type, whatever their case', () => {
      const endpoint = makeEndpoint({
        headers: {
          'Webhook-Signature': 'v1,forged',
          'webhook-id': 'forged-id',
          'WEBHOOK-TIMESTAMP': '1',
          'Content-Type': 'text/plain',
          'X-Webhook-Delivery': 'forged-delivery',
        },
      });
      const request = build(endpoint, NOW);
      const timestamp = Math.floor(NOW.getTime() / 1000);
      for (const headers of [request.headers, request.recordedHeaders]) {
        expect(headers['webhook-signature']).toBe(v1(SECRET, makeEvent().id, timestamp, request.body));
        expect(headers['webhook-id']).toBe(makeEvent().id);
        expect(headers['webhook-timestamp']).toBe(String(timestamp));
        expect(headers['content-type']).toBe('application/json');
        expect(headers['x-webhook-delivery']).toBe('d5d5d5d5-2222-4b4b-9c9c-000000000002');
        expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'webhook-signature')).toEqual([
          'webhook-signature',
        ]);
      }
    });

    it('are sent lower-cased next to the library headers', () => {
      const request = build(makeEndpoint({ headers: { 'X-Tenant': 'acme' } }), NOW);
      expect(request.headers['x-tenant']).toBe('acme');
      expect(request.recordedHeaders['x-tenant']).toBe('acme');
      expect(request.headers['X-Tenant']).toBeUndefined();
    });

    it('send an Authorization header but record it as [redacted]', () => {
      const request = build(makeEndpoint({ headers: { Authorization: 'Bearer s3cr3t', 'X-Trace': 'abc' } }), NOW);
      expect(request.headers.authorization).toBe('Bearer s3cr3t');
      expect(request.recordedHeaders.authorization).toBe('[redacted]');
      expect(request.recordedHeaders['x-trace']).toBe('abc');
      expect(JSON.stringify(request.recordedHeaders)).not.toContain('s3cr3t');
    });

    it.each(['X-Api-Key', 'X-Auth-Token', 'Cookie', 'X-Client-Secret', 'Proxy-Authorization', 'X-Password'])(
      'record the credential-like header %s as [redacted]',
      (name) => {
        const request = build(makeEndpoint({ headers: { [name]: 'hunter2' } }), NOW);
        expect(request.headers[name.toLowerCase()]).toBe('hunter2');
        expect(request.recordedHeaders[name.toLowerCase()]).toBe('[redacted]');
      },
    );
  });

  describe('ed25519 endpoints', () => {
    const { signingKey, publicKey } = generateEd25519SigningKey();

    it('sign v1a, verifiable with the public key alone', () => {
      const request = build(makeEndpoint({ secret: signingKey }), NOW);
      const timestamp = Math.floor(NOW.getTime() / 1000);
      const signature = request.headers['webhook-signature'];
      expect(signature).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      const content = signedPayload({ id: makeEvent().id, timestamp, body: request.body });
      expect(verify(null, content, decodeEd25519PublicKey(publicKey), Buffer.from(signature.slice(4), 'base64'))).toBe(true);
      expect(verifyWebhook(request.body, request.headers, publicKey, { now: () => NOW }).id).toBe(makeEvent().id);
    });

    it('sign with the previous HMAC secret too while it overlaps', () => {
      const endpoint = makeEndpoint({ secret: signingKey, previousSecrets: [{ secret: PREVIOUS, expiresAt: '2030-03-05T00:00:00.000Z' }] });
      const request = build(endpoint, NOW);
      expect(request.headers['webhook-signature'].split(' ').map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1']);
      expect(verifyWebhook(request.body, request.headers, PREVIOUS, { now: () => NOW }).id).toBe(makeEvent().id);
    });

    it('never send the legacy HMAC header: there is no shared secret', () => {
      const request = build(makeEndpoint({ secret: signingKey, legacySignatureHeader: true }), NOW, makeEvent(), true);
      expect(request.headers['x-webhook-signature']).toBeUndefined();
    });
  });

  describe('legacy X-Webhook-Signature', () => {
    const legacy = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;

    it('is not sent by default', () => {
      expect(build(makeEndpoint(), NOW).headers['x-webhook-signature']).toBeUndefined();
    });

    it('is sent when the endpoint asks for it, as the hex HMAC of the raw body', () => {
      const request = build(makeEndpoint({ legacySignatureHeader: true }), NOW);
      expect(request.headers['x-webhook-signature']).toBe(legacy(request.body));
      expect(request.recordedHeaders['x-webhook-signature']).toBe(legacy(request.body));
    });

    it('is sent to every HMAC endpoint when the module asks for it', () => {
      const request = build(makeEndpoint({ legacySignatureHeader: false }), NOW, makeEvent(), true);
      expect(request.headers['x-webhook-signature']).toBe(legacy(request.body));
    });

    it('is the same on every attempt: it signs the body only', () => {
      const endpoint = makeEndpoint({ legacySignatureHeader: true });
      expect(build(endpoint, NOW).headers['x-webhook-signature']).toBe(build(endpoint, LATER).headers['x-webhook-signature']);
    });

    it('replaces a custom header of the same name', () => {
      const request = build(makeEndpoint({ legacySignatureHeader: true, headers: { 'X-Webhook-Signature': 'forged' } }), NOW);
      expect(request.headers['x-webhook-signature']).toBe(legacy(request.body));
    });
  });
});
