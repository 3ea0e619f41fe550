import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  decodeEd25519PublicKey,
  decodeEd25519SigningKey,
  generateEd25519SigningKey,
  publicKeyOf,
  PUBLIC_KEY_PREFIX,
  SIGNING_KEY_PREFIX,
} from './ed25519-signing-key';
import { InvalidWebhookSecretError } from './webhook-secret';
import { ed25519Signature, signatureHeader, signedPayload, type SignedContent } from './webhook-signature';

const CONTENT: SignedContent = { id: 'msg_1', timestamp: 1_700_000_000, body: '{"type":"invoice.paid","data":{"n":1}}' };

describe('ed25519 signing keys', () => {
  it('generates whsk_ / whpk_ keys over 32 raw bytes each', () => {
    const { signingKey, publicKey } = generateEd25519SigningKey();
    expect(signingKey).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(signingKey.slice(SIGNING_KEY_PREFIX.length), 'base64')).toHaveLength(32);
    expect(Buffer.from(publicKey.slice(PUBLIC_KEY_PREFIX.length), 'base64')).toHaveLength(32);
  });

  it('derives the same public key from the signing key', () => {
    const { signingKey, publicKey } = generateEd25519SigningKey();
    expect(publicKeyOf(signingKey)).toBe(publicKey);
  });

  it('is different every time', () => {
    expect(new Set(Array.from({ length: 10 }, () => generateEd25519SigningKey().signingKey)).size).toBe(10);
  });

  it('round-trips a key pair made by node:crypto', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const seed = (privateKey.export({ format: 'jwk' }) as { d: string }).d;
    const raw = (publicKey.export({ format: 'jwk' }) as { x: string }).x;
    const signingKey = SIGNING_KEY_PREFIX + Buffer.from(seed, 'base64url').toString('base64');
    expect(publicKeyOf(signingKey)).toBe(PUBLIC_KEY_PREFIX + Buffer.from(raw, 'base64url').toString('base64'));
    expect(decodeEd25519SigningKey(signingKey).asymmetricKeyType).toBe('ed25519');
  });

  it('signs v1a entries that node:crypto verifies with the public key alone', () => {
    const { signingKey, publicKey } = generateEd25519SigningKey();
    const header = signatureHeader([signingKey], CONTENT);
    expect(header).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    const signature = Buffer.from(header.slice('v1a,'.length), 'base64');
    expect(verify(null, signedPayload(CONTENT), decodeEd25519PublicKey(publicKey), signature)).toBe(true);
    expect(verify(null, signedPayload({ ...CONTENT, body: CONTENT.body + ' ' }), decodeEd25519PublicKey(publicKey), signature)).toBe(false);
  });

  it('signs deterministically (ed25519 needs no randomness)', () => {
    const { signingKey } = generateEd25519SigningKey();
    expect(ed25519Signature(signingKey, CONTENT)).toBe(ed25519Signature(signingKey, CONTENT));
  });

  it('mixes v1 and v1a entries when an endpoint moves from HMAC to ed25519', () => {
    const hmac = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    const { signingKey } = generateEd25519SigningKey();
    const entries = signatureHeader([signingKey, hmac], CONTENT).split(' ');
    expect(entries.map((entry) => entry.split(',')[0])).toEqual(['v1a', 'v1']);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 1).toString('base64')],
    ['the HMAC prefix', 'whsec_' + Buffer.alloc(32, 1).toString('base64')],
    ['31 bytes', 'whsk_' + Buffer.alloc(31, 1).toString('base64')],
    ['64 bytes', 'whsk_' + Buffer.alloc(64, 1).toString('base64')],
    ['not base64', 'whsk_not base64!'],
    ['nothing after the prefix', 'whsk_'],
  ])('refuses a signing key with %s', (_what, key) => {
    expect(() => decodeEd25519SigningKey(key)).toThrow(InvalidWebhookSecretError);
    expect(() => decodeEd25519SigningKey(key)).toThrow('ed25519 signing key must be "whsk_" followed by the base64 of 32 bytes');
  });

  it('refuses a malformed public key without echoing it', () => {
    const error = (() => {
      try {
        decodeEd25519PublicKey('whpk_c2VjcmV0');
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('no error');
    })();
    expect(error).toBeInstanceOf(InvalidWebhookSecretError);
    expect(error.message).not.toContain('c2VjcmV0');
  });
});
