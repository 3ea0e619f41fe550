import { describe, expect, it } from '@jest/globals';
import { generateEd25519SigningKey, publicKeyOf } from './ed25519-signing-key';
import { findSigningSecretProblem, generateSigningSecret, signatureSchemeOf, verificationKeyOf } from './signing-secret';
import { maskWebhookSecret } from './webhook-secret';
import { LEGACY_SIGNATURE_HEADER, legacySignature } from './webhook-signature';
import { createHmac } from 'node:crypto';

const HMAC_SECRET = 'whsec_' + Buffer.alloc(32, 0x42).toString('base64');

describe('signing secrets', () => {
  it('tells the scheme from the prefix', () => {
    expect(signatureSchemeOf(HMAC_SECRET)).toBe('hmac-sha256');
    expect(signatureSchemeOf(generateEd25519SigningKey().signingKey)).toBe('ed25519');
  });

  it('generates a secret of either scheme', () => {
    expect(generateSigningSecret()).toMatch(/^whsec_/);
    expect(generateSigningSecret('hmac-sha256')).toMatch(/^whsec_/);
    expect(generateSigningSecret('ed25519')).toMatch(/^whsk_/);
  });

  it('gives the customer the HMAC secret, or only the public key for ed25519', () => {
    const { signingKey, publicKey } = generateEd25519SigningKey();
    expect(verificationKeyOf(HMAC_SECRET)).toBe(HMAC_SECRET);
    expect(verificationKeyOf(signingKey)).toBe(publicKey);
    expect(verificationKeyOf(signingKey)).toBe(publicKeyOf(signingKey));
  });

  it('accepts both kinds of secret', () => {
    expect(findSigningSecretProblem(HMAC_SECRET)).toBeNull();
    expect(findSigningSecretProblem(generateSigningSecret('ed25519'))).toBeNull();
  });

  it.each([
    [undefined, 'secret must start with "whsec_" (HMAC) or "whsk_" (ed25519)'],
    [42, 'secret must start with "whsec_" (HMAC) or "whsk_" (ed25519)'],
    [Buffer.alloc(32).toString('base64'), 'secret must start with "whsec_" (HMAC) or "whsk_" (ed25519)'],
    ['whpk_' + Buffer.alloc(32).toString('base64'), 'secret must start with "whsec_" (HMAC) or "whsk_" (ed25519)'],
    ['whsec_' + Buffer.alloc(8).toString('base64'), 'secret must encode 24 to 64 bytes (got 8)'],
    ['whsk_' + Buffer.alloc(16).toString('base64'), 'ed25519 signing key must be "whsk_" followed by the base64 of 32 bytes'],
  ])('names the problem of %p', (secret, problem) => {
    expect(findSigningSecretProblem(secret)).toBe(problem);
  });

  it('masks with the secret\'s own prefix', () => {
    expect(maskWebhookSecret(HMAC_SECRET)).toBe(`whsec_…${HMAC_SECRET.slice(-4)}`);
    const { signingKey } = generateEd25519SigningKey();
    expect(maskWebhookSecret(signingKey)).toBe(`whsk_…${signingKey.slice(-4)}`);
  });
});

describe('legacy X-Webhook-Signature', () => {
  it('is sha256= and the hex HMAC of the raw body keyed with the secret string', () => {
    const body = '{"type":"invoice.paid","data":{"amount":4200,"note":"Zoë"}}';
    const expected = createHmac('sha256', HMAC_SECRET).update(body).digest('hex');
    expect(legacySignature(HMAC_SECRET, body)).toBe(`sha256=${expected}`);
    expect(LEGACY_SIGNATURE_HEADER).toBe('x-webhook-signature');
  });

  it('changes with the body', () => {
    expect(legacySignature(HMAC_SECRET, '{}')).not.toBe(legacySignature(HMAC_SECRET, '{ }'));
  });
});
