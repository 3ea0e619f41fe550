import type { WebhookDelivery } from '../storage/entities/delivery.entity';
import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';
import type { WebhookEvent } from '../storage/entities/event.entity';
import { isEd25519SigningKey } from '../signing/ed25519-signing-key';
import { redactCredentialHeaders } from '../storage/secrets/credential-headers';
import type { WebhookEnvelope } from '../common/webhook-envelope';
import { LEGACY_SIGNATURE_HEADER, legacySignature, SignatureHeaders, signatureHeader } from '../signing/webhook-signature';

export interface BuiltWebhookRequest {
  body: string;
  headers: Record<string, string>;
  /** The headers as recorded on the attempt: custom header values that look like credentials are masked. */
  recordedHeaders: Record<string, string>;
}

/** Bodies already built, per event object: the deliveries of an event share the one the worker keeps. */
const envelopes = new WeakMap<WebhookEvent, string>();

/** Built from stored values only, so every retry sends identical bytes; once per event object. */
export function buildEnvelope(event: WebhookEvent): string {
  const built = envelopes.get(event);
  if (built !== undefined) return built;
  const envelope: WebhookEnvelope = {
    id: event.id,
    type: event.type,
    timestamp: event.createdAt.toISOString(),
    data: event.data,
  };
  const body = JSON.stringify(envelope);
  envelopes.set(event, body);
  return body;
}

/** The secrets that sign now: the current one, then previous ones still inside their overlap. */
export function signingSecrets(endpoint: WebhookEndpoint, now: Date): string[] {
  const previous = (endpoint.previousSecrets ?? [])
    .filter((entry) => new Date(entry.expiresAt).getTime() > now.getTime())
    .map((entry) => entry.secret);
  return [endpoint.secret, ...previous];
}

/**
 * The body and headers of one attempt. `webhook-id` is the event id, the receiver's
 * idempotency key across retries; `webhook-timestamp` is the time of this attempt.
 */
export function buildWebhookRequest(
  input: {
    event: WebhookEvent;
    endpoint: WebhookEndpoint;
    delivery: Pick<WebhookDelivery, 'id'>;
    userAgent: string;
    /** Send the legacy `X-Webhook-Signature` to every HMAC endpoint (module option). */
    legacySignatureHeader?: boolean;
    /** W3C `traceparent` and `tracestate` of the attempt's span. */
    traceHeaders?: Record<string, string>;
  },
  now: Date = new Date(),
): BuiltWebhookRequest {
  const { event, endpoint, delivery } = input;
  const body = buildEnvelope(event);
  const timestamp = Math.floor(now.getTime() / 1000);
  const custom = endpoint.headers ?? {};
  const ours: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': input.userAgent,
    [SignatureHeaders.id]: event.id,
    [SignatureHeaders.timestamp]: String(timestamp),
    [SignatureHeaders.signature]: signatureHeader(signingSecrets(endpoint, now), { id: event.id, timestamp, body }),
    'x-webhook-event': event.type,
    'x-webhook-delivery': delivery.id,
    ...input.traceHeaders,
  };
  const legacy = (input.legacySignatureHeader || endpoint.legacySignatureHeader) && !isEd25519SigningKey(endpoint.secret);
  if (legacy) ours[LEGACY_SIGNATURE_HEADER] = legacySignature(endpoint.secret, body);
  // Custom headers come first so none of them can replace a signature or an id.
  const headers = { ...lowerCaseKeys(custom), ...ours };
  const recordedHeaders = { ...redactCredentialHeaders(lowerCaseKeys(custom)), ...ours };
  return { body, headers, recordedHeaders };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
