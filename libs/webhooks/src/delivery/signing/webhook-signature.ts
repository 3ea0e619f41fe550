import { createHmac } from 'node:crypto';
import { decodeWebhookSecret } from './webhook-secret';

/** Headers of the Standard Webhooks scheme. */
export const SignatureHeaders = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** What is signed: `${id}.${timestamp}.${body}`. */
export interface SignedContent {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string;
}

/** base64 HMAC-SHA256 of the signed content, the value after `v1,`. */
export function hmacSignature(key: Buffer, content: SignedContent): string {
  return createHmac('sha256', key)
    .update(`${content.id}.${content.timestamp}.${content.body}`)
    .digest('base64');
}

/**
 * The `webhook-signature` header value: one `v1,<sig>` per secret, space-separated, so a
 * receiver holding either the old or the new secret verifies during a rotation.
 */
export function signatureHeader(secrets: readonly string[], content: SignedContent): string {
  return secrets
    .map((secret) => `v1,${hmacSignature(decodeWebhookSecret(secret), content)}`)
    .join(' ');
}
