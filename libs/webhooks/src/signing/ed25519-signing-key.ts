import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { InvalidWebhookSecretError } from './webhook-secret';

/** Prefix of an ed25519 signing (private) key: `whsk_` + base64 of its 32-byte seed. */
export const SIGNING_KEY_PREFIX = 'whsk_';
/** Prefix of an ed25519 public key, the one customers verify with: `whpk_` + base64 of its 32 bytes. */
export const PUBLIC_KEY_PREFIX = 'whpk_';

const ED25519_KEY_BYTES = 32;
// DER headers of an ed25519 PKCS#8 private key and SPKI public key; the raw 32 bytes follow.
const PKCS8_ED25519_HEADER = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_HEADER = Buffer.from('302a300506032b6570032100', 'hex');

export interface Ed25519SigningKeyPair {
  /** `whsk_…`: stored as the endpoint's secret (encrypted at rest), signs `v1a,` signatures. */
  signingKey: string;
  /** `whpk_…`: what the customer is given to verify with. */
  publicKey: string;
}

/** A new ed25519 key pair in the `whsk_` / `whpk_` forms. */
export function generateEd25519SigningKey(): Ed25519SigningKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_HEADER.length);
  const signingKey = SIGNING_KEY_PREFIX + seed.toString('base64');
  return { signingKey, publicKey: publicKeyOf(signingKey) };
}

export function isEd25519SigningKey(secret: string): boolean {
  return secret.startsWith(SIGNING_KEY_PREFIX);
}

export function isEd25519PublicKey(key: string): boolean {
  return key.startsWith(PUBLIC_KEY_PREFIX);
}

/** The private key inside a `whsk_` key, or `InvalidWebhookSecretError`. */
export function decodeEd25519SigningKey(signingKey: string): KeyObject {
  const seed = rawKey(signingKey, SIGNING_KEY_PREFIX, 'signing key');
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_HEADER, seed]), format: 'der', type: 'pkcs8' });
}

/** The public key inside a `whpk_` key, or `InvalidWebhookSecretError`. */
export function decodeEd25519PublicKey(publicKey: string): KeyObject {
  const raw = rawKey(publicKey, PUBLIC_KEY_PREFIX, 'public key');
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_HEADER, raw]), format: 'der', type: 'spki' });
}

/** The `whpk_` public key that verifies what a `whsk_` signing key signs. */
export function publicKeyOf(signingKey: string): string {
  const spki = createPublicKey(decodeEd25519SigningKey(signingKey)).export({ format: 'der', type: 'spki' });
  return PUBLIC_KEY_PREFIX + spki.subarray(SPKI_ED25519_HEADER.length).toString('base64');
}

function rawKey(value: string, prefix: string, what: string): Buffer {
  const encoded = value.startsWith(prefix) ? value.slice(prefix.length) : '';
  const raw = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (raw.length !== ED25519_KEY_BYTES) {
    throw new InvalidWebhookSecretError(`ed25519 ${what} must be "${prefix}" followed by the base64 of ${ED25519_KEY_BYTES} bytes`);
  }
  return raw;
}
