import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { DeliveryStatus, EndpointsService, WebhookDelivery, WebhookEvent, WebhooksService } from 'nestjs-webhooks';
import { DataSource } from 'typeorm';
import { postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// OpenTelemetry, with the SDK's in-memory exporter: the publisher's span is stored with the
// event, so one trace holds the publish, the first attempt's queue wait and every attempt, and
// each attempt sends its own span's context to the receiver as W3C traceparent. The attempts
// run from the queue (Bull) or the poller, never in the publisher's async context: only the
// stored context can link them.

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});

afterAll(() => {
  trace.disable();
  context.disable();
});

describe.each([
  ['PostgreSQL + Bull', postgresWithBull],
  ['SQLite, embedded', sqliteEmbedded],
])('tracing on %s', (label, backendFactory) => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let dataSource: DataSource;
  let tenant = 0;
  let tenantId: string;

  beforeAll(async () => {
    backend = await backendFactory.create();
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { retry: { delaysMs: [0, 50] } } });
    dataSource = app.get(DataSource);
    receiver = await TestReceiver.start();
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  afterEach(() => exporter.reset());

  async function endpoint(path: string, options: { sendTraceContext?: boolean } = {}) {
    tenantId = `traced-${++tenant}`;
    return app.get(EndpointsService).create({ tenantId, url: receiver.endpoint(path), eventTypes: ['*'], ...options });
  }
  const publish = async () => (await app.get(WebhooksService).publish('invoice.paid', { total: 12 }, { tenantId })).eventId!;
  const settled = (eventId: string) =>
    waitFor(async () => (await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ eventId })).status === DeliveryStatus.Succeeded, { what: 'the delivery succeeded' });
  const spansNamed = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name && span.attributes['webhooks.tenant.id'] === tenantId);
  const deliverSpans = (count: number) =>
    waitFor(() => (spansNamed('deliver invoice.paid').length >= count ? spansNamed('deliver invoice.paid') : null), { what: `${count} attempt spans` });
  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const requestsTo = (path: string) => receiver.requests.filter((request) => request.path === path);

  it('shows the publish, the queue wait and every attempt in the publisher’s trace, and sends each attempt’s traceparent', async () => {
    receiver.script(respond(500));
    const hooks = await endpoint('/traced');
    const checkout = trace.getTracer('host-app').startSpan('POST /checkout');
    const eventId = await context.with(trace.setSpan(context.active(), checkout), publish);
    checkout.end();
    await settled(eventId);

    const attempts = (await deliverSpans(2)).sort((a, b) => Number(a.attributes['webhooks.attempt']) - Number(b.attributes['webhooks.attempt']));
    const [published] = spansNamed('publish invoice.paid');
    const [wait] = spansNamed('wait invoice.paid');
    const traceId = checkout.spanContext().traceId;
    for (const span of [published, wait, ...attempts]) expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(published)).toBe(checkout.spanContext().spanId);
    expect(published.kind).toBe(SpanKind.PRODUCER);
    expect(published.attributes).toMatchObject({ 'webhooks.event.type': 'invoice.paid', 'webhooks.event.id': eventId });
    expect(parentOf(wait)).toBe(idOf(published));
    expect(wait.kind).toBe(SpanKind.CONSUMER);
    for (const attempt of attempts) {
      expect(parentOf(attempt)).toBe(idOf(published));
      expect(attempt.kind).toBe(SpanKind.CLIENT);
    }
    expect(attempts[0].attributes).toMatchObject({
      'webhooks.event.id': eventId,
      'webhooks.endpoint.id': hooks.id,
      'webhooks.attempt': 1,
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'http.response.status_code': 500,
      'webhooks.outcome': 'retrying',
      'error.type': '500',
    });
    expect(attempts[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1].attributes).toMatchObject({ 'webhooks.attempt': 2, 'http.response.status_code': 200, 'webhooks.outcome': 'succeeded' });
    expect(attempts[1].status.code).toBe(SpanStatusCode.UNSET);
    // No URL path in any attribute: it can be a secret.
    expect(JSON.stringify(attempts.map((span) => span.attributes))).not.toContain('/traced');

    // Each request names its own attempt's span, in the publisher's trace.
    const sent = requestsTo('/traced').map((request) => TRACEPARENT.exec(String(request.headers.traceparent)));
    expect(sent.map((match) => match?.[1])).toEqual([traceId, traceId]);
    expect(sent.map((match) => match?.[2])).toEqual(attempts.map(idOf));
    // The publisher's context is what the event keeps.
    const stored = await dataSource.getRepository(WebhookEvent).findOneByOrFail({ id: eventId });
    expect(stored.traceContext).toEqual({ traceparent: `00-${traceId}-${idOf(published)}-01` });

    if (label.startsWith('PostgreSQL')) printTrace([checkout as unknown as ReadableSpan, published, wait, ...attempts]);
  });

  it('starts a trace at the publish when the caller has none', async () => {
    await endpoint('/untraced-caller');
    const eventId = await publish();
    await settled(eventId);

    const [attempt] = await deliverSpans(1);
    const [published] = spansNamed('publish invoice.paid');
    expect(parentOf(published)).toBeUndefined();
    expect(attempt.spanContext().traceId).toBe(published.spanContext().traceId);
    expect(parentOf(attempt)).toBe(idOf(published));
  });

  it('sends no traceparent to an endpoint that turned it off, and still records the attempt', async () => {
    await endpoint('/no-trace-headers', { sendTraceContext: false });
    const eventId = await publish();
    await settled(eventId);

    await deliverSpans(1);
    const [request] = requestsTo('/no-trace-headers');
    expect(request.headers.traceparent).toBeUndefined();
    expect(request.headers.tracestate).toBeUndefined();
  });
});

/** The trace as an indented tree with each span's offset and duration, for the reader of the test output. */
function printTrace(spans: ReadableSpan[]): void {
  const start = Math.min(...spans.map((span) => hrMs(span.startTime)));
  const children = (parent: string | undefined) => spans.filter((span) => span.parentSpanContext?.spanId === parent || (!parent && !span.parentSpanContext));
  const lines: string[] = [`trace ${spans[0].spanContext().traceId}`];
  const walk = (span: ReadableSpan, depth: number): void => {
    const offset = (hrMs(span.startTime) - start).toFixed(1);
    const duration = (hrMs(span.endTime) - hrMs(span.startTime)).toFixed(1);
    const status = span.attributes['http.response.status_code'] ? ` → ${span.attributes['http.response.status_code']}` : '';
    lines.push(`${'  '.repeat(depth)}${span.name} [${SpanKind[span.kind]}] +${offset} ms, ${duration} ms${status}`);
    for (const child of children(span.spanContext().spanId)) walk(child, depth + 1);
  };
  for (const root of children(undefined)) walk(root, 1);
  console.log(lines.join('\n'));
}

function hrMs([seconds, nanos]: [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}
