import { randomUUID } from 'node:crypto';
import { signatureHeader, SignatureHeaders } from '../signing/webhook-signature';

/** What `signWebhook` signs besides the body. */
export interface SignWebhookOptions {
  /** The `webhook-id`. Default: a new `msg_…` id. */
  id?: string;
  /** The `webhook-timestamp`: a Date or unix seconds. Default: now. */
  timestamp?: Date | number;
}

/** A request as the library would send it: the exact body and the signature headers (send it as `application/json`). */
export interface SignedWebhook {
  body: string;
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string };
}

/**
 * Signs a body as the library signs its webhooks (Standard Webhooks), for tests of a receiver:
 * with one `whsec_` secret or `whsk_` ed25519 signing key, or several (as during a rotation,
 * one signature each, space-separated). An object body is serialised with `JSON.stringify`.
 *
 * @publicApi
 */
export function signWebhook(body: string | object, secrets: string | readonly string[], options: SignWebhookOptions = {}): SignedWebhook {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp instanceof Date ? Math.floor(options.timestamp.getTime() / 1000) : (options.timestamp ?? Math.floor(Date.now() / 1000));
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    body: text,
    headers: {
      [SignatureHeaders.id]: id,
      [SignatureHeaders.timestamp]: String(timestamp),
      [SignatureHeaders.signature]: signatureHeader(typeof secrets === 'string' ? [secrets] : secrets, { id, timestamp, body: text }),
    } as SignedWebhook['headers'],
  };
}
