import { MAX_ENDPOINT_TIMEOUT_MS } from '../delivery/delivery.worker';
import { describeInvalidSchedule } from '../options/retry-schedule';
import { describeInvalidRetryOn } from '../options/retry-on';

export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_TENANT_ID_LENGTH = 255;
export const MAX_EVENT_TYPES = 100;
export const MAX_RATE_LIMIT_PER_SECOND = 2 ** 31 - 1;
export const MAX_CUSTOM_HEADERS = 20;
export const MAX_HEADER_VALUE_LENGTH = 1024;
export const MAX_METADATA_BYTES = 16 * 1024;
export const SIGNATURE_SCHEMES = ['hmac-sha256', 'ed25519'] as const;

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the library itself or by HTTP: a custom header must not replace them.
const RESERVED_HEADERS = /^(content-type|content-length|user-agent|host|connection|transfer-encoding|webhook-.*|x-webhook-.*)$/i;

/**
 * Why endpoint input cannot be stored, or null. It checks types and sizes that the database
 * columns need, so that any caller (the REST API, the host's own code) gets a clear 400
 * instead of a database error. Address and catalog checks come after it.
 */
export function findEndpointInputProblem(input: Record<string, unknown>, mode: 'create' | 'update'): string | null {
  if (mode === 'create' && input.url === undefined) return 'url is required';
  if (mode === 'create' && input.eventTypes === undefined) return 'eventTypes is required';
  const checks: Array<[string, (value: unknown) => string | null]> = [
    ['url', (v) => (typeof v !== 'string' ? 'url must be a string' : CONTROL_CHARACTERS.test(v) ? 'url must not contain control characters' : null)],
    ['eventTypes', eventTypesProblem],
    ['description', (v) => nullableText('description', v, MAX_DESCRIPTION_LENGTH)],
    ['tenantId', (v) => nullableText('tenantId', v, MAX_TENANT_ID_LENGTH)],
    ['headers', customHeadersProblem],
    ['rateLimitPerSecond', (v) => nullableInteger('rateLimitPerSecond', v, 1, MAX_RATE_LIMIT_PER_SECOND)],
    ['timeoutMs', (v) => nullableInteger('timeoutMs', v, 1, MAX_ENDPOINT_TIMEOUT_MS)],
    ['retrySchedule', retryScheduleProblem],
    ['retryOn', (v) => (v === null ? null : prefixed('retryOn', describeInvalidRetryOn(v)))],
    ['sendTraceContext', (v) => (typeof v === 'boolean' ? null : 'sendTraceContext must be a boolean')],
    ['metadata', metadataProblem],
    ['signatureScheme', (v) => (SIGNATURE_SCHEMES.includes(v as never) ? null : `signatureScheme must be one of ${SIGNATURE_SCHEMES.join(', ')}`)],
    ['legacySignatureHeader', (v) => (typeof v === 'boolean' ? null : 'legacySignatureHeader must be a boolean')],
  ];
  for (const [field, check] of checks) {
    if (input[field] === undefined) continue;
    const problem = check(input[field]);
    if (problem) return problem;
  }
  return null;
}

function eventTypesProblem(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return 'eventTypes must list at least one event type';
  if (value.length > MAX_EVENT_TYPES) return `eventTypes must list at most ${MAX_EVENT_TYPES} event types`;
  if (value.some((type) => typeof type !== 'string' || type.length > 255 || CONTROL_CHARACTERS.test(type))) {
    return 'eventTypes must be event type names of at most 255 characters';
  }
  return null;
}

function nullableText(field: string, value: unknown, maxLength: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length > maxLength) return `${field} must be at most ${maxLength} characters`;
  if (value.includes('\u0000')) return `${field} must not contain NUL characters`;
  return null;
}

function nullableInteger(field: string, value: unknown, min: number, max: number): string | null {
  if (value === null) return null;
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? null : `${field} must be an integer from ${min} to ${max}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why a map of custom request headers cannot be sent, or null; the API's header validator asks it too. */
export function customHeadersProblem(value: unknown): string | null {
  if (value === null) return null;
  if (!isPlainObject(value)) return 'headers must be an object of header names to values';
  const entries = Object.entries(value);
  if (entries.length > MAX_CUSTOM_HEADERS) return `headers must have at most ${MAX_CUSTOM_HEADERS} entries`;
  for (const [name, headerValue] of entries) {
    if (!HEADER_NAME.test(name)) return `headers: "${name.slice(0, 50)}" is not a valid header name`;
    if (RESERVED_HEADERS.test(name)) return `headers: ${name} is set by the library and cannot be overridden`;
    if (typeof headerValue !== 'string' || headerValue.length > MAX_HEADER_VALUE_LENGTH || CONTROL_CHARACTERS.test(headerValue.replace(/\t/g, ' '))) {
      return `headers: the value of ${name} must be a string of at most ${MAX_HEADER_VALUE_LENGTH} characters without line breaks`;
    }
  }
  return null;
}

function retryScheduleProblem(value: unknown): string | null {
  return value === null ? null : prefixed('retrySchedule', describeInvalidSchedule(value));
}

function prefixed(field: string, problem: string | null): string | null {
  return problem ? `${field}: ${problem}` : null;
}

function metadataProblem(value: unknown): string | null {
  if (value === null) return null;
  if (!isPlainObject(value)) return 'metadata must be an object';
  const size = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (size > MAX_METADATA_BYTES) return `metadata must be at most ${MAX_METADATA_BYTES} bytes as JSON`;
  if (JSON.stringify(value).includes('\\u0000')) return 'metadata must not contain NUL characters';
  return null;
}
