import type { OutboundRequest } from '../delivery/http/webhook-http.client';
import type { AttemptResult } from '../storage/deliveries/delivery-records';

const SIMULATED_FAILURES = ['timeout', 'connection-refused', 'connection-reset', 'dns-failure'] as const;

/** A way for a request to fail without a response, as the library's HTTP client reports it. */
export type SimulatedFailure = (typeof SIMULATED_FAILURES)[number];

/**
 * What an endpoint answers under the testing kit: a status (`200`, `500`, `410`…), a full
 * response (e.g. `{ status: 429, headers: { 'retry-after': '60' } }`), or a failure without a
 * response (`{ error: 'timeout' }`).
 */
export type WebhookAnswer = number | { status: number; headers?: Record<string, string>; body?: string } | { error: SimulatedFailure };

/** Endpoints answer this unless told otherwise. */
const DEFAULT_ANSWER: WebhookAnswer = 200;

/**
 * What each endpoint answers, by endpoint id or URL: one answer for every request, or a
 * sequence, taken in order, whose last answer stays for every request after it.
 */
export class WebhookAnswers {
  private readonly scripts = new Map<string, WebhookAnswer[]>();

  set(endpoint: string, answers: WebhookAnswer | readonly WebhookAnswer[]): void {
    const sequence = Array.isArray(answers) ? [...(answers as readonly WebhookAnswer[])] : [answers as WebhookAnswer];
    if (sequence.length === 0) throw new Error(`respondWith(${endpoint}): give at least one answer`);
    for (const answer of sequence) assertValid(answer);
    this.scripts.set(endpoint, sequence);
  }

  /** The next answer for a request to this endpoint: its id's script first, then its URL's. */
  next(endpointId: string, url: string): WebhookAnswer {
    const sequence = this.scripts.get(endpointId) ?? this.scripts.get(url);
    if (!sequence) return DEFAULT_ANSWER;
    return sequence.length > 1 ? sequence.shift()! : sequence[0];
  }

  clear(): void {
    this.scripts.clear();
  }
}

/** The attempt's result, as the real HTTP client would have reported that answer. */
export function attemptResultOf(answer: WebhookAnswer, request: OutboundRequest, startedAt: Date): AttemptResult {
  if (typeof answer === 'number') return { status: answer, headers: {}, body: '', durationMs: 0, startedAt };
  if ('error' in answer) {
    const timeout = answer.error === 'timeout';
    return { error: failureMessage(answer.error, request), failure: timeout ? 'timeout' : 'network', durationMs: timeout ? request.timeoutMs : 0, startedAt };
  }
  const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  return { status: answer.status, headers, body: answer.body ?? '', durationMs: 0, startedAt };
}

/** The messages the real client records for these failures, so stored attempts read the same. */
function failureMessage(failure: SimulatedFailure, request: OutboundRequest): string {
  const url = new URL(request.url);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  switch (failure) {
    case 'timeout':
      return `timeout after ${request.timeoutMs} ms`;
    case 'connection-refused':
      return `ECONNREFUSED: connect ECONNREFUSED ${url.hostname}:${port}`;
    case 'connection-reset':
      return 'ECONNRESET: socket hang up';
    case 'dns-failure':
      return `ENOTFOUND: getaddrinfo ENOTFOUND ${url.hostname}`;
  }
}

function assertValid(answer: WebhookAnswer): void {
  if (typeof answer === 'object' && 'error' in answer) {
    if (!SIMULATED_FAILURES.includes(answer.error)) throw new Error(`respondWith: "${answer.error}" is not one of ${SIMULATED_FAILURES.join(', ')}`);
    return;
  }
  const status = typeof answer === 'number' ? answer : answer.status;
  if (!(Number.isInteger(status) && status >= 100 && status <= 599)) {
    throw new Error(`respondWith: ${status} is not an HTTP status (100 to 599)`);
  }
}
