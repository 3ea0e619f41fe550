import { randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;
const GENERATED_SECRET_BYTES = 32;

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(GENERATED_SECRET_BYTES).toString('base64');
}

/**
 * The HMAC key inside a `whsec_` secret, or a reason why the secret is unusable. Secrets
 * without the prefix are accepted as raw base64, as the Standard Webhooks libraries do.
 */
export function decodeWebhookSecret(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new InvalidWebhookSecretError('secret must be "whsec_" followed by base64');
  }
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new InvalidWebhookSecretError(
      `secret must encode ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes (got ${key.length})`,
    );
  }
  return key;
}

export class InvalidWebhookSecretError extends Error {
  override readonly name = 'InvalidWebhookSecretError';
}

/** `whsec_…wxyz` (or `whsk_…wxyz`): enough to tell two secrets apart, not enough to use one. */
export function maskWebhookSecret(secret: string): string {
  const prefix = /^wh[a-z]{2,3}_/.exec(secret)?.[0] ?? SECRET_PREFIX;
  return `${prefix}…${secret.slice(-4)}`;
}
