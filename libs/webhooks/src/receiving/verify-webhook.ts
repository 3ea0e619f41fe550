import { timingSafeEqual } from 'node:crypto';
import { decodeWebhookSecret } from '../delivery/signing/webhook-secret';
import { hmacSignature, SignatureHeaders } from '../delivery/signing/webhook-signature';

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

type HeaderBag = Record<string, string | string[] | undefined> | Headers;

/**
 * Checks a received webhook the Standard Webhooks way: the HMAC of `id.timestamp.body` under
 * any of the given secrets must match one `v1,` signature of the header (constant-time), and
 * the timestamp must be within the tolerance, which bounds replays. Throws
 * `WebhookVerificationError` naming the problem; returns the parsed payload.
 */
export function verifyWebhook<T = unknown>(
  rawBody: string | Buffer,
  headers: HeaderBag,
  secretOrSecrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): VerifiedWebhook<T> {
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

  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const secrets = typeof secretOrSecrets === 'string' ? [secretOrSecrets] : secretOrSecrets;
  const expected = secrets.map((secret) =>
    Buffer.from(hmacSignature(decodeWebhookSecret(secret), { id, timestamp, body }), 'base64'),
  );
  const matches = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'))
    .some((given) => expected.some((wanted) => wanted.length === given.length && timingSafeEqual(wanted, given)));
  if (!matches) throw new WebhookVerificationError('no signature matches');

  try {
    return { id, timestamp, payload: JSON.parse(body) as T };
  } catch {
    throw new WebhookVerificationError('body is not valid JSON');
  }
}

function header(headers: HeaderBag, name: string): string | undefined {
  const value = typeof (headers as Headers).get === 'function'
    ? (headers as Headers).get(name) ?? undefined
    : (headers as Record<string, string | string[] | undefined>)[name];
  if (Array.isArray(value)) {
    // Several copies of one header cannot be told apart from an injected one: refuse them.
    if (value.length !== 1) throw new WebhookVerificationError(`duplicate ${name} header`);
    return value[0];
  }
  return value;
}
