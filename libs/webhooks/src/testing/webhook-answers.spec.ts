import { describe, expect, it } from '@jest/globals';
import { attemptResultOf, WebhookAnswers, type WebhookAnswer } from './webhook-answers';

const request = { url: 'https://acme.example:8443/hooks', body: '{}', headers: {}, timeoutMs: 1_500 };
const startedAt = new Date('2026-12-01T10:00:00Z');

describe('WebhookAnswers', () => {
  it('answers 200 to an endpoint without a script', () => {
    expect(new WebhookAnswers().next('ep-1', request.url)).toBe(200);
  });

  it('takes a sequence in order and keeps its last answer', () => {
    const answers = new WebhookAnswers();
    answers.set('ep-1', [500, 502, 200]);
    expect([1, 2, 3, 4, 5].map(() => answers.next('ep-1', request.url))).toEqual([500, 502, 200, 200, 200]);
  });

  it('prefers the script of the endpoint id to the script of its URL', () => {
    const answers = new WebhookAnswers();
    answers.set(request.url, 404);
    answers.set('ep-1', 503);
    expect([answers.next('ep-1', request.url), answers.next('ep-2', request.url)]).toEqual([503, 404]);
  });

  it('forgets every script on clear()', () => {
    const answers = new WebhookAnswers();
    answers.set('ep-1', 500);
    answers.clear();
    expect(answers.next('ep-1', request.url)).toBe(200);
  });

  it.each<[string, WebhookAnswer | WebhookAnswer[]]>([
    ['no answer at all', []],
    ['a status out of range', 2000],
    ['a status that is not an integer', { status: 200.5 }],
    ['an unknown failure', { error: 'eaten by a grue' } as unknown as WebhookAnswer],
  ])('refuses %s', (_what, answer) => {
    expect(() => new WebhookAnswers().set('ep-1', answer)).toThrow(/respondWith/);
  });
});

describe('attemptResultOf', () => {
  it('gives a response with its headers in lower case, as the HTTP client reads them', () => {
    expect(attemptResultOf({ status: 429, headers: { 'Retry-After': '30' }, body: 'slow down' }, request, startedAt)).toEqual({
      status: 429,
      headers: { 'retry-after': '30' },
      body: 'slow down',
      durationMs: 0,
      startedAt,
    });
  });

  it.each([
    ['timeout', 'timeout after 1500 ms', 'timeout', 1_500],
    ['connection-refused', 'ECONNREFUSED: connect ECONNREFUSED acme.example:8443', 'network', 0],
    ['connection-reset', 'ECONNRESET: socket hang up', 'network', 0],
    ['dns-failure', 'ENOTFOUND: getaddrinfo ENOTFOUND acme.example', 'network', 0],
  ] as const)('gives a %s as an error without a status, in the HTTP client’s words and class', (error, message, failure, durationMs) => {
    expect(attemptResultOf({ error }, request, startedAt)).toEqual({ error: message, failure, durationMs, startedAt });
  });
});
