import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  decodeWebhookSecret,
  generateWebhookSecret,
  InvalidWebhookSecretError,
  maskWebhookSecret,
  MAX_SECRET_BYTES,
  MIN_SECRET_BYTES,
} from './webhook-secret';
import { hmacSignature, SignatureHeaders, signatureHeader, type SignedContent } from './webhook-signature';

/** A `whsec_` secret over `length` bytes of a fixed value. */
function secretOf(length: number, fill = 7): string {
  return 'whsec_' + Buffer.alloc(length, fill).toString('base64');
}

const SECRET_A = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SECRET_B = secretOf(32, 0x5a);

describe('generateWebhookSecret', () => {
  it('is whsec_ followed by the base64 of 32 bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('decodes to a 32-byte key', () => {
    expect(decodeWebhookSecret(generateWebhookSecret())).toHaveLength(32);
  });

  it('is different every time', () => {
    const secrets = new Set(Array.from({ length: 20 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(20);
  });
});

describe('decodeWebhookSecret', () => {
  it('returns the key inside a whsec_ secret', () => {
    expect(decodeWebhookSecret(secretOf(32, 1))).toEqual(Buffer.alloc(32, 1));
  });

  it('accepts raw base64 without the prefix', () => {
    expect(decodeWebhookSecret(Buffer.alloc(24, 9).toString('base64'))).toEqual(Buffer.alloc(24, 9));
  });

  it('accepts the bounds, 24 and 64 bytes', () => {
    expect(MIN_SECRET_BYTES).toBe(24);
    expect(MAX_SECRET_BYTES).toBe(64);
    expect(decodeWebhookSecret(secretOf(24))).toHaveLength(24);
    expect(decodeWebhookSecret(secretOf(64))).toHaveLength(64);
  });

  it('refuses a key shorter than 24 bytes', () => {
    expect(() => decodeWebhookSecret(secretOf(23))).toThrow(InvalidWebhookSecretError);
    expect(() => decodeWebhookSecret(secretOf(23))).toThrow('secret must encode 24 to 64 bytes (got 23)');
    expect(() => decodeWebhookSecret(secretOf(1))).toThrow('secret must encode 24 to 64 bytes (got 1)');
  });

  it('refuses a key longer than 64 bytes', () => {
    expect(() => decodeWebhookSecret(secretOf(65))).toThrow('secret must encode 24 to 64 bytes (got 65)');
  });

  it.each(['whsec_', 'whsec_not base64 at all!!', 'whsec_abc$def', 'whsec_' + 'A'.repeat(40) + '===', '', 'whsec_ab=cd'])(
    'refuses the non-base64 secret %p',
    (secret) => {
      expect(() => decodeWebhookSecret(secret)).toThrow(InvalidWebhookSecretError);
      expect(() => decodeWebhookSecret(secret)).toThrow('secret must be "whsec_" followed by base64');
    },
  );

  it('names its error class', () => {
    try {
      decodeWebhookSecret('whsec_!');
      throw new Error('no error');
    } catch (error) {
      expect((error as Error).name).toBe('InvalidWebhookSecretError');
    }
  });
});

describe('maskWebhookSecret', () => {
  it('keeps the prefix and the last 4 characters only', () => {
    expect(maskWebhookSecret(SECRET_A)).toBe('whsec_…LaSw');
  });
});

describe('signing', () => {
  const content: SignedContent = {
    id: 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
    timestamp: 1_674_087_231,
    body: '{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"c_1"}}',
  };

  it('names the Standard Webhooks headers', () => {
    expect(SignatureHeaders).toEqual({
      id: 'webhook-id',
      timestamp: 'webhook-timestamp',
      signature: 'webhook-signature',
    });
  });

  it('is the base64 HMAC-SHA256 of id.timestamp.body', () => {
    const key = decodeWebhookSecret(SECRET_A);
    const expected = createHmac('sha256', key)
      .update(`${content.id}.${content.timestamp}.${content.body}`)
      .digest('base64');
    expect(hmacSignature(key, content)).toBe(expected);
  });

  it('gives one v1 entry for one secret', () => {
    const header = signatureHeader([SECRET_A], content);
    expect(header).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(header).toBe(`v1,${hmacSignature(decodeWebhookSecret(SECRET_A), content)}`);
  });

  it('gives two space-separated v1 entries for two secrets, in order', () => {
    const header = signatureHeader([SECRET_A, SECRET_B], content);
    const entries = header.split(' ');
    expect(entries).toHaveLength(2);
    expect(entries[0]).toBe(`v1,${hmacSignature(decodeWebhookSecret(SECRET_A), content)}`);
    expect(entries[1]).toBe(`v1,${hmacSignature(decodeWebhookSecret(SECRET_B), content)}`);
    expect(entries[0]).not.toBe(entries[1]);
  });

  it('changes with the id, the timestamp and the body', () => {
    const base = signatureHeader([SECRET_A], content);
    expect(signatureHeader([SECRET_A], { ...content, id: content.id + 'x' })).not.toBe(base);
    expect(signatureHeader([SECRET_A], { ...content, timestamp: content.timestamp + 1 })).not.toBe(base);
    expect(signatureHeader([SECRET_A], { ...content, body: content.body + ' ' })).not.toBe(base);
  });

  it('throws on an unusable secret', () => {
    expect(() => signatureHeader([SECRET_A, 'whsec_short'], content)).toThrow(InvalidWebhookSecretError);
  });

  it.each([
    ['the Standard Webhooks example secret', SECRET_A],
    ['a 32-byte secret', SECRET_B],
    ['a 64-byte secret', secretOf(64, 0xc3)],
    ['a generated secret', generateWebhookSecret()],
  ])('matches the standardwebhooks package for %s', (_label, secret) => {
    const date = new Date(content.timestamp * 1000);
    const theirs = new Webhook(secret).sign(content.id, date, content.body);
    expect(signatureHeader([secret], content)).toBe(theirs);
  });

  it('matches the standardwebhooks package for a non-ASCII body', () => {
    const body = JSON.stringify({ name: 'Zoë — 東京 🎉' });
    const theirs = new Webhook(SECRET_B).sign('msg_1', new Date(1_700_000_000_000), body);
    expect(signatureHeader([SECRET_B], { id: 'msg_1', timestamp: 1_700_000_000, body })).toBe(theirs);
  });
});
