import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateEd25519SigningKey } from '../signing/ed25519-signing-key';
import { signatureHeader } from '../signing/webhook-signature';
import { verifyWebhook, WebhookVerificationError, type WebhookHeaders } from './verify-webhook';

const NOW = new Date('2031-02-03T04:05:06.000Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const HMAC = 'whsec_' + Buffer.alloc(32, 0x5c).toString('base64');
const ED = generateEd25519SigningKey();
const KEYS = [HMAC, ED.publicKey];
const options = { now: () => NOW };

/** Runs `verify` and reports how it ended: verified, refused, or anything else (a crash). */
function outcome(verify: () => unknown): 'verified' | 'refused' | Error {
  try {
    verify();
    return 'verified';
  } catch (error) {
    return error instanceof WebhookVerificationError ? 'refused' : (error as Error);
  }
}

const headerValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(undefined),
  fc.nat().map(String),
  fc.integer({ min: NOW_SECONDS - 400, max: NOW_SECONDS + 400 }).map(String),
  fc.array(fc.tuple(fc.constantFrom('v1', 'v1a', 'v2', ''), fc.uint8Array({ maxLength: 80 })), { maxLength: 25 }).map((entries) =>
    entries.map(([version, bytes]) => `${version},${Buffer.from(bytes).toString('base64')}`).join(' '),
  ),
);

const body = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), fc.uint8Array({ maxLength: 256 }));

describe('verifyWebhook, property-based', () => {
  it('only ever returns or throws WebhookVerificationError, whatever the request carries', () => {
    fc.assert(
      fc.property(
        body,
        fc.record({ 'webhook-id': headerValue, 'webhook-timestamp': headerValue, 'webhook-signature': headerValue }, { requiredKeys: [] }),
        fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
        fc.option(fc.nat({ max: 100_000 }), { nil: undefined }),
        (raw, signatureHeaders, extra, toleranceSeconds) => {
          const headers = { ...extra, ...signatureHeaders } as Record<string, string | string[] | undefined>;
          const result = outcome(() => verifyWebhook(raw, headers, KEYS, { ...options, toleranceSeconds }));
          expect(result instanceof Error ? `${result.name}: ${result.message}` : 'ok').toBe('ok');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('verifies every correctly signed request, HMAC or ed25519, during rotations too', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.json(),
        fc.integer({ min: -300, max: 300 }),
        fc.uint8Array({ minLength: 24, maxLength: 64 }),
        fc.array(fc.uint8Array({ minLength: 24, maxLength: 64 }), { maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        (id, json, offset, key, others, useEd25519, asBuffer) => {
          const secret = 'whsec_' + Buffer.from(key).toString('base64');
          const previous = others.map((bytes) => 'whsec_' + Buffer.from(bytes).toString('base64'));
          const timestamp = NOW_SECONDS + offset;
          const signing = useEd25519 ? [ED.signingKey, ...previous] : [secret, ...previous];
          const headers: WebhookHeaders = {
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signatureHeader(signing, { id, timestamp, body: json }),
          };
          const receiverKey = useEd25519 ? ED.publicKey : secret;
          const verified = verifyWebhook(asBuffer ? Buffer.from(json) : json, headers, receiverKey, options);
          expect(verified).toEqual({ id, timestamp, payload: JSON.parse(json) });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses every change of one byte of the body, and every other id or timestamp', () => {
    fc.assert(
      fc.property(
        fc.json().filter((json) => json.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        (json, position, delta, useEd25519) => {
          const id = 'evt_1';
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(NOW_SECONDS),
            'webhook-signature': signatureHeader([useEd25519 ? ED.signingKey : HMAC], { id, timestamp: NOW_SECONDS, body: json }),
          };
          const bytes = Buffer.from(json);
          const at = position % bytes.length;
          bytes[at] = (bytes[at] + delta) % 256;
          expect(outcome(() => verifyWebhook(bytes, headers, KEYS, options))).toBe('refused');
          expect(outcome(() => verifyWebhook(json, { ...headers, 'webhook-id': `${id}x` }, KEYS, options))).toBe('refused');
          expect(outcome(() => verifyWebhook(json, { ...headers, 'webhook-timestamp': String(NOW_SECONDS - 1) }, KEYS, options))).toBe('refused');
        },
      ),
      { numRuns: 500 },
    );
  });
});
