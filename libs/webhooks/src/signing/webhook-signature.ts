import { createHmac, sign } from 'node:crypto';
import { decodeEd25519SigningKey, isEd25519SigningKey } from './ed25519-signing-key';
import { decodeWebhookSecret } from './webhook-secret';

/** Headers of the Standard Webhooks scheme. */
export const SignatureHeaders = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** The optional header of the older `sha256=<hex>` convention. */
export const LEGACY_SIGNATURE_HEADER = 'x-webhook-signature';

/** What is signed: `${id}.${timestamp}.${body}`. */
export interface SignedContent {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
}

/** The exact bytes both schemes sign. */
export function signedPayload(content: SignedContent): Buffer {
  return Buffer.from(`${content.id}.${content.timestamp}.${content.body}`, 'utf8');
}

/** base64 HMAC-SHA256 of the signed content, the value after `v1,`. */
export function hmacSignature(key: Buffer, content: SignedContent): string {
  return createHmac('sha256', key).update(signedPayload(content)).digest('base64');
}

/** base64 ed25519 signature of the signed content, the value after `v1a,`. */
export function ed25519Signature(signingKey: string, content: SignedContent): string {
  return sign(null, signedPayload(content), decodeEd25519SigningKey(signingKey)).toString('base64');
}

/**
 * One `webhook-signature` entry: `v1a,<sig>` for an ed25519 signing key (`whsk_`),
 * `v1,<sig>` (HMAC-SHA256) for a `whsec_` secret.
 */
export function signatureEntry(secret: string, content: SignedContent): string {
  return isEd25519SigningKey(secret)
    ? `v1a,${ed25519Signature(secret, content)}`
    : `v1,${hmacSignature(decodeWebhookSecret(secret), content)}`;
}

/**
 * The `webhook-signature` header value: one entry per secret, space-separated, so a
 * receiver holding either the old or the new secret verifies during a rotation.
 */
export function signatureHeader(secrets: readonly string[], content: SignedContent): string {
  return secrets.map((secret) => signatureEntry(secret, content)).join(' ');
}

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the UTF-8 bytes of the secret string
 * exactly as the customer holds it (`whsec_…` included): what receivers written to the
 * `X-Webhook-Signature` convention compute. It signs neither the id nor a timestamp, so it
 * does not bound replays: the Standard Webhooks headers remain the ones to verify.
 */
export function legacySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body, 'utf8').digest('hex')}`;
}
