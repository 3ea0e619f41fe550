import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { isIP } from 'node:net';
import { Agent, errors as undiciErrors } from 'undici';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { AttemptResult } from '../../storage/deliveries/delivery-records';
import { OutboundAddressPolicy } from '../outbound/address-policy';
import { OutboundAddressRefusedError } from '../outbound/guarded-lookup';
import { bareHostname } from '../outbound/endpoint-url';
import { guardedLookup } from '../outbound/guarded-lookup';
import { WEBHOOKS_DNS_LOOKUP, type HostResolver } from '../../common/host-resolver';

/** Receivers answer with a short acknowledgement; more than this is cut and not read. */
export const MAX_RESPONSE_BODY_BYTES = 10 * 1024;

export interface OutboundRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * POSTs webhook requests: keep-alive pools per origin, a hard deadline for the whole
 * exchange, redirects never followed, at most 10 KB of the response read, and the address
 * policy enforced when the connection is made.
 */
@Injectable()
export class WebhookHttpClient implements OnModuleDestroy {
  private readonly agent: Agent;
  private readonly policy: OutboundAddressPolicy;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) options: ResolvedWebhooksOptions,
    @Inject(WEBHOOKS_DNS_LOOKUP) resolve: HostResolver,
  ) {
    this.policy = new OutboundAddressPolicy(options.allowedNetworks);
    this.agent = WebhookHttpClient.createAgent(this.policy, resolve);
  }

  static createAgent(policy: OutboundAddressPolicy, resolve?: HostResolver): Agent {
    return new Agent({
      connections: 32,
      keepAliveTimeout: 30_000,
      connect: { lookup: guardedLookup(policy, resolve) },
    });
  }

  async post(request: OutboundRequest, agent: Agent = this.agent): Promise<AttemptResult> {
    const startedAt = new Date();
    const started = performance.now();
    const finish = (partial: Omit<AttemptResult, 'durationMs' | 'startedAt'>): AttemptResult => ({
      ...partial,
      startedAt,
      durationMs: Math.round(performance.now() - started),
    });

    const url = new URL(request.url);
    const literal = bareHostname(url);
    // Sockets to IP literals skip the lookup, so the policy is applied to them here.
    if (isIP(literal)) {
      const reason = this.policy.refusalReason(literal);
      if (reason) return finish({ error: `refused to connect to ${literal}: ${reason}`, failure: 'blocked' });
    }

    // A timer cleared with the response, rather than AbortSignal.timeout's: those stay until
    // they expire (one per request, for its whole timeout) and are tracked for the collector.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
    const { signal } = deadline;
    try {
      const response = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      const body = await readAtMost(response.body, MAX_RESPONSE_BODY_BYTES);
      return finish({ status: response.statusCode, headers: flattenHeaders(response.headers), body });
    } catch (error) {
      return finish({ error: describeError(error, request.timeoutMs, signal), failure: failureKind(error, signal) });
    } finally {
      clearTimeout(timer);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.destroy();
  }
}

/** Reads up to `limit` bytes, then destroys the stream, which drops the connection. */
async function readAtMost(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = limit - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function isTimeout(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError;
}

/** A timeout, an address the outbound policy refused (at connect: DNS rebinding), or any other network failure. */
function failureKind(error: unknown, signal: AbortSignal): NonNullable<AttemptResult['failure']> {
  if (isTimeout(error, signal)) return 'timeout';
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (cause instanceof OutboundAddressRefusedError) return 'blocked';
  }
  return 'network';
}

function describeError(error: unknown, timeoutMs: number, signal: AbortSignal): string {
  if (isTimeout(error, signal)) return `timeout after ${timeoutMs} ms`;
  const err = error as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = err.code ?? err.cause?.code;
  const message = err.message || String(error);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 1000);
}
