import { describe, expect, it } from '@jest/globals';
import { findEndpointInputProblem } from './endpoint-input.rules';

const valid = { url: 'https://example.com/hook', eventTypes: ['invoice.paid'] };

describe('findEndpointInputProblem', () => {
  it('accepts a minimal and a complete input', () => {
    expect(findEndpointInputProblem(valid, 'create')).toBeNull();
    expect(
      findEndpointInputProblem(
        {
          ...valid,
          description: 'd',
          tenantId: 't',
          headers: { 'X-Customer': 'acme', Authorization: 'Bearer x' },
          rateLimitPerSecond: 5,
          retrySchedule: { delaysMs: [0, 1000] },
          metadata: { plan: 'pro' },
          signatureScheme: 'ed25519',
          legacySignatureHeader: true,
        },
        'create',
      ),
    ).toBeNull();
  });

  it.each([
    [{ eventTypes: ['a.b'] }, 'url is required'],
    [{ url: 'https://x.example' }, 'eventTypes is required'],
    [{ ...valid, url: null }, 'url must be a string'],
    [{ ...valid, url: 'https://x.example/a\u0000b' }, 'control characters'],
    [{ ...valid, eventTypes: [] }, 'at least one event type'],
    [{ ...valid, eventTypes: [5] }, 'event type names'],
    [{ ...valid, description: 'x'.repeat(1025) }, 'description must be at most 1024'],
    [{ ...valid, description: 'a\u0000b' }, 'NUL'],
    [{ ...valid, tenantId: 't'.repeat(256) }, 'tenantId must be at most 255'],
    [{ ...valid, headers: 'x' }, 'headers must be an object'],
    [{ ...valid, headers: { 'bad name': 'v' } }, 'not a valid header name'],
    [{ ...valid, headers: { 'webhook-signature': 'v1,forged' } }, 'set by the library'],
    [{ ...valid, headers: { 'X-Evil': 'a\r\nInjected: yes' } }, 'without line breaks'],
    [{ ...valid, rateLimitPerSecond: 2 ** 31 }, 'rateLimitPerSecond must be an integer'],
    [{ ...valid, rateLimitPerSecond: 0 }, 'rateLimitPerSecond must be an integer'],
    [{ ...valid, rateLimitPerSecond: Infinity }, 'rateLimitPerSecond must be an integer'],
    [{ ...valid, timeoutMs: 1e308 }, 'timeoutMs must be an integer from 1 to 60000'],
    [{ ...valid, timeoutMs: 60_001 }, 'timeoutMs must be an integer from 1 to 60000'],
    [{ ...valid, timeoutMs: '5000' }, 'timeoutMs must be an integer from 1 to 60000'],
    [{ ...valid, headers: { 'X-Long': 'x'.repeat(1025) } }, 'at most 1024 characters'],
    [{ ...valid, retrySchedule: 5 }, 'retrySchedule: must be'],
    [{ ...valid, retrySchedule: { delaysMs: [] } }, 'retrySchedule: delaysMs'],
    [{ ...valid, metadata: 'x' }, 'metadata must be an object'],
    [{ ...valid, metadata: { blob: 'x'.repeat(17 * 1024) } }, 'metadata must be at most'],
    [{ ...valid, signatureScheme: 'rsa' }, 'signatureScheme must be one of'],
    [{ ...valid, legacySignatureHeader: 'yes' }, 'legacySignatureHeader must be a boolean'],
  ])('refuses %j', (input, problem) => {
    expect(findEndpointInputProblem(input as Record<string, unknown>, 'create')).toContain(problem);
  });

  it('lets an update leave out url and eventTypes', () => {
    expect(findEndpointInputProblem({ description: 'new' }, 'update')).toBeNull();
  });
});
