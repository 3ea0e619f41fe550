import {
  generateEd25519SigningKey,
  isEd25519SigningKey,
  publicKeyOf,
  SIGNING_KEY_PREFIX,
  decodeEd25519SigningKey,
} from './ed25519-signing-key';
import { decodeWebhookSecret, generateWebhookSecret, InvalidWebhookSecretError, SECRET_PREFIX } from './webhook-secret';

/**
 * How an endpoint's requests are signed. The stored secret says which: a `whsec_` secret signs
 * `v1,` (HMAC-SHA256, shared secret), a `whsk_` signing key signs `v1a,` (ed25519: the customer
 * holds only the public key and cannot forge a request).
 */
export type SignatureScheme = 'hmac-sha256' | 'ed25519';

export function signatureSchemeOf(secret: string): SignatureScheme {
  return isEd25519SigningKey(secret) ? 'ed25519' : 'hmac-sha256';
}

/** A new secret for the scheme: `whsec_` + 32 random bytes, or a `whsk_` ed25519 signing key. */
export function generateSigningSecret(scheme: SignatureScheme = 'hmac-sha256'): string {
  return scheme === 'ed25519' ? generateEd25519SigningKey().signingKey : generateWebhookSecret();
}

/**
 * What the customer verifies with: the `whsec_` secret itself for HMAC, the `whpk_` public key
 * for ed25519 (safe to show at any time, unlike the secret).
 */
export function verificationKeyOf(secret: string): string {
  return isEd25519SigningKey(secret) ? publicKeyOf(secret) : secret;
}

/** Why a secret given for an endpoint cannot sign, or null when it can. Never echoes the value. */
export function findSigningSecretProblem(secret: unknown): string | null {
  if (typeof secret !== 'string' || !(secret.startsWith(SECRET_PREFIX) || secret.startsWith(SIGNING_KEY_PREFIX))) {
    return `secret must start with "${SECRET_PREFIX}" (HMAC) or "${SIGNING_KEY_PREFIX}" (ed25519)`;
  }
  try {
    if (isEd25519SigningKey(secret)) decodeEd25519SigningKey(secret);
    else decodeWebhookSecret(secret);
    return null;
  } catch (error) {
    if (error instanceof InvalidWebhookSecretError) return error.message;
    throw error;
  }
}
