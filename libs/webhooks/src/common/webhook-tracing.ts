import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { Context, SpanContext, Tracer } from '@opentelemetry/api';
import type { StoredTraceContext } from './trace-context';
import { loadPeerIfInstalled } from './optional-peer';

type OpenTelemetry = typeof import('@opentelemetry/api');

/** The name the library's spans are recorded under (the instrumentation scope). */
export const TRACER_NAME = 'nestjs-webhooks';

/** What one attempt's span needs to know. */
export interface AttemptToTrace {
  eventId: string;
  eventType: string;
  /** When the event was published: the first attempt's queue wait starts there. */
  publishedAt: Date;
  /** The publisher's trace context, stored with the event. */
  traceContext: StoredTraceContext | null;
  deliveryId: string;
  endpointId: string;
  tenantId: string | null;
  attempt: number;
  url: string;
}

/** One attempt being traced: the headers that carry its context, and its span's end. */
export interface AttemptTrace {
  /** `traceparent` (and `tracestate`) naming the attempt's span; empty when nothing is traced. */
  headers: Record<string, string>;
  /** Runs the request with the attempt's span active, so an HTTP instrumentation nests under it. */
  run<T>(request: () => Promise<T>): Promise<T>;
  end(result: { status?: number; error?: string; failure?: string }, outcome: string): void;
}

const UNTRACED: AttemptTrace = { headers: {}, run: (request) => request(), end: () => undefined };

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * OpenTelemetry spans for publishing and for each attempt, when the host has
 * `@opentelemetry/api` (an optional peer) and a tracer provider: the publisher's context is
 * stored with the event, so its trace shows the publish, the first attempt's queue wait and
 * every attempt, and the attempt's context goes to the receiver as W3C `traceparent`. Without
 * the package, nothing is traced and nothing is sent.
 */
@Injectable()
export class WebhookTracing implements OnModuleInit {
  private otel?: OpenTelemetry;
  private tracer?: Tracer;

  async onModuleInit(): Promise<void> {
    this.otel = await loadPeerIfInstalled<OpenTelemetry>('@opentelemetry/api');
    this.tracer = this.otel?.trace.getTracer(TRACER_NAME);
  }

  /**
   * Runs `publish` in a producer span, child of the caller's active span. `publish` gets the
   * context to store with the event: the span's, or null when nothing records it.
   */
  async publish<T>(type: string, tenantId: string | null, publish: (traceContext: StoredTraceContext | null) => Promise<T>): Promise<T> {
    const { otel, tracer } = this;
    if (!otel || !tracer) return publish(null);
    const span = tracer.startSpan(`publish ${type}`, { kind: otel.SpanKind.PRODUCER, attributes: { 'webhooks.event.type': type, ...tenant(tenantId) } });
    try {
      const result = await otel.context.with(otel.trace.setSpan(otel.context.active(), span), () => publish(stored(otel, span.spanContext())));
      const eventId = (result as { eventId?: unknown })?.eventId;
      if (typeof eventId === 'string') span.setAttribute('webhooks.event.id', eventId);
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: otel.SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Starts an attempt's client span, child of the publisher's stored context. */
  startAttempt(attempt: AttemptToTrace, now: Date): AttemptTrace {
    const { otel, tracer } = this;
    if (!otel || !tracer) return UNTRACED;
    const parent = this.publisherContext(otel, attempt.traceContext);
    const attributes = {
      'webhooks.event.id': attempt.eventId,
      'webhooks.event.type': attempt.eventType,
      'webhooks.delivery.id': attempt.deliveryId,
      'webhooks.endpoint.id': attempt.endpointId,
      'webhooks.attempt': attempt.attempt,
      ...tenant(attempt.tenantId),
    };
    if (attempt.attempt === 1) {
      tracer.startSpan(`wait ${attempt.eventType}`, { kind: otel.SpanKind.CONSUMER, startTime: attempt.publishedAt, attributes }, parent).end(now);
    }
    const span = tracer.startSpan(`deliver ${attempt.eventType}`, { kind: otel.SpanKind.CLIENT, startTime: now, attributes: { ...attributes, 'http.request.method': 'POST' } }, parent);
    if (span.isRecording()) {
      // Host and port only: an endpoint URL's path or query can be a secret.
      const url = new URL(attempt.url);
      span.setAttributes({ 'url.scheme': url.protocol.slice(0, -1), 'server.address': url.hostname, 'server.port': Number(url.port) || (url.protocol === 'https:' ? 443 : 80) });
    }
    const active = otel.trace.setSpan(parent, span);
    const headers = traceHeaders(stored(otel, span.spanContext()) ?? attempt.traceContext);
    return {
      headers,
      run: (request) => otel.context.with(active, request),
      end: (result, outcome) => {
        if (result.status !== undefined) span.setAttribute('http.response.status_code', result.status);
        span.setAttribute('webhooks.outcome', outcome);
        const failed = result.status === undefined || result.status < 200 || result.status >= 300;
        if (failed) {
          span.setAttribute('error.type', result.failure ?? String(result.status));
          span.setStatus({ code: otel.SpanStatusCode.ERROR, message: result.error ?? `HTTP ${result.status}` });
        }
        span.end();
      },
    };
  }

  /** The stored publisher context as a parent; the current context when there is none. */
  private publisherContext(otel: OpenTelemetry, traceContext: StoredTraceContext | null): Context {
    const match = traceContext ? TRACEPARENT.exec(traceContext.traceparent) : null;
    if (!match) return otel.ROOT_CONTEXT;
    const spanContext: SpanContext = {
      traceId: match[1],
      spanId: match[2],
      traceFlags: parseInt(match[3], 16),
      isRemote: true,
      traceState: traceContext?.tracestate ? otel.createTraceState(traceContext.tracestate) : undefined,
    };
    return otel.trace.setSpanContext(otel.ROOT_CONTEXT, spanContext);
  }
}

/** The span's context as W3C Trace Context values; null when it records nothing (no provider). */
function stored(otel: OpenTelemetry, context: SpanContext): StoredTraceContext | null {
  if (!otel.isSpanContextValid(context)) return null;
  const traceparent = `00-${context.traceId}-${context.spanId}-${context.traceFlags.toString(16).padStart(2, '0')}`;
  const tracestate = context.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

function traceHeaders(context: StoredTraceContext | null): Record<string, string> {
  if (!context) return {};
  return context.tracestate ? { traceparent: context.traceparent, tracestate: context.tracestate } : { traceparent: context.traceparent };
}

function tenant(tenantId: string | null): Record<string, string> {
  return tenantId ? { 'webhooks.tenant.id': tenantId } : {};
}
