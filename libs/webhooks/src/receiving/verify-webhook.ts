import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { decodeEd25519PublicKey, isEd25519PublicKey, isEd25519SigningKey } from '../signing/ed25519-signing-key';
import { decodeWebhookSecret, InvalidWebhookSecretError } from '../signing/webhook-secret';
import { SignatureHeaders } from '../signing/webhook-signature';

export interface VerifyWebhookOptions {
  /** How far the `webhook-timestamp` may be from now, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time, for tests. */
  now?: () => Date;
}

/** What a verified webhook carried. */
export interface VerifiedWebhook<T = unknown> {
  id: string;
  timestamp: number;
  payload: T;
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

/** More entries than this in one `webhook-signature` header is not a rotation, it is an attack on CPU. */
export const MAX_SIGNATURE_ENTRIES = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ED25519_SIGNATURE_BYTES = 64;

interface VerificationKeys {
  hmac: Buffer[];
  ed25519: KeyObject[];
}

/**
 * Checks a received webhook the Standard Webhooks way and returns its parsed payload:
 * - `webhook-id`, `webhook-timestamp` and `webhook-signature` present, once each;
 * - the timestamp within `toleranceSeconds` of now, either way, which bounds replays;
 * - one entry of the signature header matching: `v1,` the HMAC-SHA256 of
 *   `id.timestamp.body` under one of the `whsec_` secrets (compared in constant time), or
 *   `v1a,` its ed25519 signature under one of the `whpk_` public keys.
 *
 * Throws `WebhookVerificationError` naming the problem for anything the request carries,
 * and `InvalidWebhookSecretError` when the secrets or keys given are unusable.
 */
export function verifyWebhook<T = unknown>(
  rawBody: string | Buffer | Uint8Array,
  headers: WebhookHeaders,
  secretsOrKeys: string | readonly string[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<T> {
  const keys = decodeKeys(typeof secretsOrKeys === 'string' ? [secretsOrKeys] : secretsOrKeys);
  const id = header(headers, SignatureHeaders.id);
  const timestampText = header(headers, SignatureHeaders.timestamp);
  const signatures = header(headers, SignatureHeaders.signature);
  if (!id || !timestampText || !signatures) {
    throw new WebhookVerificationError('missing webhook-id, webhook-timestamp or webhook-signature header');
  }
  if (!/^\d{1,15}$/.test(timestampText)) {
    throw new WebhookVerificationError('webhook-timestamp is not a unix time in seconds');
  }
  const timestamp = Number(timestampText);
  const now = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (timestamp < now - tolerance) throw new WebhookVerificationError('webhook-timestamp is too old');
  if (timestamp > now + tolerance) throw new WebhookVerificationError('webhook-timestamp is in the future');

  const entries = signatures.split(' ').filter(Boolean);
  if (entries.length > MAX_SIGNATURE_ENTRIES) throw new WebhookVerificationError('webhook-signature has too many entries');
  const body = Buffer.isBuffer(rawBody) ? rawBody : typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
  if (!anySignatureMatches(entries, signed, keys)) throw new WebhookVerificationError('no signature matches');

  try {
    return { id, timestamp, payload: JSON.parse(body.toString('utf8')) as T };
  } catch {
    throw new WebhookVerificationError('body is not valid JSON');
  }
}

function decodeKeys(secretsOrKeys: readonly string[]): VerificationKeys {
  if (secretsOrKeys.length === 0) throw new InvalidWebhookSecretError('no secret or public key to verify with');
  const keys: VerificationKeys = { hmac: [], ed25519: [] };
  for (const key of secretsOrKeys) {
    if (typeof key !== 'string') throw new InvalidWebhookSecretError('secrets and public keys must be strings');
    if (isEd25519SigningKey(key)) throw new InvalidWebhookSecretError('verify with the whpk_ public key, not the whsk_ signing key');
    if (isEd25519PublicKey(key)) keys.ed25519.push(decodeEd25519PublicKey(key));
    else keys.hmac.push(decodeWebhookSecret(key));
  }
  return keys;
}

// NOTE: every entry is checked against every key, with no early exit, so the time taken does
// not tell which entry or key came close. Entries of unknown versions are ignored, as
// Standard Webhooks asks, so senders can add schemes.
function anySignatureMatches(entries: string[], signed: Buffer, keys: VerificationKeys): boolean {
  const expectedHmacs = keys.hmac.map((key) => createHmac('sha256', key).update(signed).digest());
  let matched = false;
  for (const entry of entries) {
    const comma = entry.indexOf(',');
    const version = entry.slice(0, comma);
    const encoded = entry.slice(comma + 1);
    if (comma < 0 || !BASE64.test(encoded)) continue;
    const given = Buffer.from(encoded, 'base64');
    if (version === 'v1') {
      for (const expected of expectedHmacs) if (expected.length === given.length && timingSafeEqual(expected, given)) matched = true;
    } else if (version === 'v1a' && given.length === ED25519_SIGNATURE_BYTES) {
      for (const key of keys.ed25519) if (verify(null, signed, key, given)) matched = true;
    }
  }
  return matched;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = typeof (headers as Headers).get === 'function'
    ? (headers as Headers).get(name) ?? undefined
    : (headers as Record<string, string | string[] | undefined>)[name];
  // Several copies of one header cannot be told apart from an injected one: refuse them.
  // Node and fetch join repeated headers with ", ", which no valid value of these contains.
  if (Array.isArray(value)) {
    if (value.length !== 1) throw new WebhookVerificationError(`duplicate ${name} header`);
    return checkedSingle(value[0], name);
  }
  return checkedSingle(value, name);
}

function checkedSingle(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new WebhookVerificationError(`${name} header is not text`);
  if (name !== SignatureHeaders.id && value.includes(', ')) throw new WebhookVerificationError(`duplicate ${name} header`);
  return value;
}
