import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, EndpointStatus, generateWebhookSecret, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhooksMetrics, WebhooksService } from 'nestjs-webhooks';
import { createDemoApp } from '../apps/demo/src/create-demo-app';
import { DEFAULT_QUEUE_PREFIX, RECEIVER_PATH, type DemoConfig } from '../apps/demo/src/config/demo-config';
import { DemoEndpointsRegistrar } from '../apps/demo/src/endpoints/demo-endpoints.registrar';
import type { ReceivedWebhook } from '../apps/demo/src/receiver/received-webhook.model';
import { postgresWithBull, sqliteEmbedded, type TestBackend } from './support/backends';
import { startFixtureApp } from './support/fixture-app';
import { respond, TestReceiver } from './support/receiver';
import { createPostgresDatabase, TEST_REDIS_URL, uniqueName } from './support/services';
import { waitFor } from './support/wait-for';

// Prometheus metrics moved by real deliveries (PostgreSQL, Redis, HTTP on loopback), read
// through the demo's GET /metrics and through WebhooksMetrics with a host registry. Every
// exposition is checked line by line against the text format (prom-client has no parser).

const FAMILIES: Record<string, 'counter' | 'gauge' | 'histogram'> = {
  webhooks_events_published_total: 'counter',
  webhooks_deliveries_created_total: 'counter',
  webhooks_deliveries_completed_total: 'counter',
  webhooks_attempts_total: 'counter',
  webhooks_attempt_duration_seconds: 'histogram',
  webhooks_publish_to_success_seconds: 'histogram',
  webhooks_publish_failures_total: 'counter',
  webhooks_publish_retries_total: 'counter',
  webhooks_publish_dropped_total: 'counter',
  webhooks_publish_buffer_events: 'gauge',
  webhooks_stale_writes_total: 'counter',
  webhooks_postponements_total: 'counter',
  webhooks_backlog_due_deliveries: 'gauge',
  webhooks_backlog_oldest_due_age_seconds: 'gauge',
  webhooks_endpoints: 'gauge',
  webhooks_endpoints_circuit_open: 'gauge',
  webhooks_metrics_scrape_errors_total: 'counter',
};

// ---------------------------------------------------------------------------------------------
// A strict reader of the Prometheus text exposition format 0.0.4.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  help?: string;
  type?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const family = (name: string): Family => {
    if (!METRIC_NAME.test(name)) throw new Error(`bad metric name ${name}`);
    let found = families.get(name);
    if (!found) {
      found = { name, samples: [] };
      families.set(name, found);
    } else if (found !== current) {
      throw new Error(`${name}: its lines are not together`);
    }
    current = found;
    return found;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const where = `line ${index + 1} (${JSON.stringify(line)})`;
      if (line === '') return;
      const help = /^# HELP (\S+) (.*)$/.exec(line);
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (help) {
        const target = family(help[1]);
        if (target.help !== undefined || target.samples.length > 0) throw new Error(`${where}: HELP repeated or after samples`);
        if (/\\[^\\n]/.test(help[2].replace(/\\\\/g, ''))) throw new Error(`${where}: bad escape in HELP`);
        target.help = help[2];
      } else if (type) {
        const target = family(type[1]);
        if (target.type !== undefined || target.samples.length > 0) throw new Error(`${where}: TYPE repeated or after samples`);
        if (!TYPES.has(type[2])) throw new Error(`${where}: unknown type`);
        target.type = type[2];
      } else if (line.startsWith('#')) {
        throw new Error(`${where}: unexpected comment`);
      } else {
        const sample = parseSample(line, where);
        if (!current || !belongsTo(sample.name, current)) throw new Error(`${where}: sample outside its family`);
        const key = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
        if (current.samples.some((other) => `${other.name}${JSON.stringify(Object.entries(other.labels).sort())}` === key)) {
          throw new Error(`${where}: duplicate sample`);
        }
        current.samples.push(sample);
      }
    });
  for (const found of families.values()) {
    if (found.help === undefined || found.type === undefined) throw new Error(`${found.name}: HELP or TYPE missing`);
    if (found.type === 'histogram') checkHistogram(found);
  }
  return families;
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
  if (!match) throw new Error(`${where}: not a sample`);
  const labels: Record<string, string> = {};
  let rest = match[2] ?? '';
  while (rest.length > 0) {
    const label = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,?)/.exec(rest);
    if (!label || !LABEL_NAME.test(label[1])) throw new Error(`${where}: bad label at ${rest}`);
    if (label[1] in labels) throw new Error(`${where}: label ${label[1]} repeated`);
    labels[label[1]] = label[2].replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(label[0].length);
    if (label[3] === '' && rest.length > 0) throw new Error(`${where}: labels not separated by commas`);
  }
  const raw = match[3];
  const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
  if (!/^(?:[+-]Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/.test(raw)) throw new Error(`${where}: bad value ${raw}`);
  return { name: match[1], labels, value };
}

function belongsTo(sampleName: string, family: Family): boolean {
  if (family.type === 'histogram') return ['_bucket', '_sum', '_count'].some((suffix) => sampleName === `${family.name}${suffix}`);
  return sampleName === family.name;
}

/** Buckets ascend by `le`, counts never fall, `+Inf` equals `_count`, and `_sum` is there. */
function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name.endsWith('_bucket')) {
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([le === '+Inf' ? Infinity : Number(le), sample.value]);
    } else if (sample.name.endsWith('_sum')) entry.sum = sample.value;
    else entry.count = sample.value;
  }
  for (const [key, entry] of series) {
    const { buckets } = entry;
    if (entry.sum === undefined || entry.count === undefined) throw new Error(`${family.name}${key}: _sum or _count missing`);
    if (buckets.at(-1)?.[0] !== Infinity || buckets.at(-1)?.[1] !== entry.count) throw new Error(`${family.name}${key}: +Inf bucket differs from _count`);
    buckets.forEach(([le, count], i) => {
      if (i > 0 && (le <= buckets[i - 1][0] || count < buckets[i - 1][1])) throw new Error(`${family.name}${key}: buckets not cumulative`);
    });
  }
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when there is none. */
function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const familyName = name.replace(/_(bucket|sum|count)$/, '');
  const matching = (families.get(familyName) ?? families.get(name))?.samples.filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (!matching || matching.length === 0) return 0;
  if (matching.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${matching.length} samples`);
  return matching[0].value;
}

function expectAllFamilies(families: Map<string, Family>): void {
  for (const [name, type] of Object.entries(FAMILIES)) {
    expect({ name, type: families.get(name)?.type, help: typeof families.get(name)?.help }).toEqual({ name, type, help: 'string' });
  }
}

// ---------------------------------------------------------------------------------------------

describe('metrics: the demo serves GET /metrics', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let app: INestApplication;
  let url: string;

  const scrape = async () => {
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const config: DemoConfig = {
      port: 0,
      database: { type: 'postgres', url: database.url },
      redis: TEST_REDIS_URL,
      queuePrefix: uniqueName(DEFAULT_QUEUE_PREFIX),
      role: 'all',
      concurrency: undefined,
      webhooksEnabled: true,
      endpointUrls: [],
      endpointSecret: generateWebhookSecret(),
      endpointSecretGenerated: true,
      apiKeys: {},
      tenant: 'demo',
    };
    app = await createDemoApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    await app.get(DemoEndpointsRegistrar).register([`${url}${RECEIVER_PATH}`]);
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('exposes every webhooks_ family in the text format, gauges read from the database', async () => {
    const families = await scrape();
    expectAllFamilies(families);
    expect(valueOf(families, 'webhooks_endpoints', { status: 'active' })).toBe(1);
    expect(valueOf(families, 'webhooks_endpoints', { status: 'disabled' })).toBe(0);
    expect(valueOf(families, 'webhooks_endpoints_circuit_open')).toBe(0);
    expect(valueOf(families, 'webhooks_backlog_due_deliveries')).toBe(0);
  });

  it('counts a publish and its successful delivery once the receiver has it', async () => {
    const before = await scrape();
    expect((await fetch(`${url}/payments/m1/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":10}' })).status).toBe(200);
    await waitFor(
      async () => ((await (await fetch(`${url}/receiver/received`)).json()) as ReceivedWebhook[]).some((webhook) => webhook.type === 'payment.verified'),
      { what: 'payment.verified at the receiver' },
    );
    const succeeded = { outcome: 'succeeded', event_type: 'payment.verified' };
    const after = await waitFor(
      async () => {
        const families = await scrape();
        return valueOf(families, 'webhooks_deliveries_completed_total', succeeded) > valueOf(before, 'webhooks_deliveries_completed_total', succeeded) ? families : null;
      },
      { what: 'the delivery counted as succeeded' },
    );
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(moved('webhooks_events_published_total', { event_type: 'payment.verified' })).toBe(1);
    expect(moved('webhooks_deliveries_created_total', { event_type: 'payment.verified' })).toBe(1);
    expect(moved('webhooks_deliveries_completed_total', succeeded)).toBe(1);
    expect(moved('webhooks_attempts_total', { status_class: '2xx' })).toBe(1);
    expect(moved('webhooks_attempt_duration_seconds_count', { status_class: '2xx' })).toBe(1);
    expect(moved('webhooks_attempt_duration_seconds_bucket', { status_class: '2xx', le: '+Inf' })).toBe(1);
    expect(moved('webhooks_publish_to_success_seconds_count')).toBe(1);
    expect(moved('webhooks_publish_to_success_seconds_sum')).toBeGreaterThan(0);
  });
});

describe('metrics: outcomes, status classes, postponements and gauges (host registry)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let receiver: TestReceiver;
  let registry: Registry;
  let metrics: WebhooksMetrics;
  let dataSource: DataSource;
  let endpoints: EndpointsService;
  let webhooks: WebhooksService;

  const scrape = async () => parseExposition(await metrics.metrics());

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    receiver.otherwise((request, response) => (request.path === '/failing' ? respond(500)(request, response) : undefined));
    registry = new Registry();
    app = await startFixtureApp({
      database: backend.database,
      webhooks: {
        metrics: { registry },
        retry: { delaysMs: [0, 50] },
        circuitBreaker: { failureThreshold: 2, cooldownMs: 10 * 60_000 },
        listenTo: ['invoice.created'],
        maxPayloadBytes: 64,
      },
    });
    metrics = app.get(WebhooksMetrics);
    dataSource = app.get<DataSource>(getDataSourceToken());
    endpoints = app.get(EndpointsService);
    webhooks = app.get(WebhooksService);
  });

  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('registers in the registry the host passed, and serves it', async () => {
    expect(metrics.registry).toBe(registry);
    expect(metrics.contentType).toBe(registry.contentType);
    expect(registry.getSingleMetric('webhooks_events_published_total')).toBeDefined();
    expectAllFamilies(await scrape());
  });

  it('counts 2xx and 5xx attempts, a retried then failed delivery, and an open circuit', async () => {
    await endpoints.create({ url: receiver.endpoint('/ok'), eventTypes: ['invoice.paid'] });
    const failing = await endpoints.create({ url: receiver.endpoint('/failing'), eventTypes: ['invoice.paid'] });
    await webhooks.publish('invoice.paid', { n: 1 });
    await receiver.waitForRequests(3);
    const families = await waitFor(
      async () => {
        const current = await scrape();
        return valueOf(current, 'webhooks_deliveries_completed_total', { outcome: 'failed' }) === 1 &&
          valueOf(current, 'webhooks_deliveries_completed_total', { outcome: 'succeeded' }) === 1
          ? current
          : null;
      },
      { what: 'one delivery succeeded and one failed' },
    );
    expect(valueOf(families, 'webhooks_events_published_total', { event_type: 'invoice.paid' })).toBe(1);
    expect(valueOf(families, 'webhooks_deliveries_created_total', { event_type: 'invoice.paid' })).toBe(2);
    expect(valueOf(families, 'webhooks_attempts_total', { status_class: '2xx' })).toBe(1);
    expect(valueOf(families, 'webhooks_attempts_total', { status_class: '5xx' })).toBe(2);
    expect(valueOf(families, 'webhooks_attempt_duration_seconds_count', { status_class: '5xx' })).toBe(2);
    expect(valueOf(families, 'webhooks_publish_to_success_seconds_count')).toBe(1);

    // Two failed attempts in a row open the failing endpoint's circuit.
    await waitFor(async () => (await dataSource.getRepository(WebhookEndpoint).findOneBy({ id: failing.id }))?.circuitOpenUntil, { what: 'the circuit to open' });
    expect(valueOf(await scrape(), 'webhooks_endpoints_circuit_open')).toBe(1);
  });

  it('counts a delivery postponed behind an open circuit', async () => {
    await webhooks.publish('invoice.paid', { n: 2 });
    const families = await waitFor(
      async () => {
        const current = await scrape();
        return valueOf(current, 'webhooks_postponements_total', { reason: 'circuit-open' }) >= 1 && valueOf(current, 'webhooks_attempts_total', { status_class: '2xx' }) === 2 ? current : null;
      },
      { what: 'a postponement behind the circuit and the second success' },
    );
    expect(valueOf(families, 'webhooks_attempts_total', { status_class: '5xx' })).toBe(2);
    expect(valueOf(families, 'webhooks_deliveries_completed_total', { outcome: 'succeeded', event_type: 'invoice.paid' })).toBe(2);
  });

  it('counts attempts that got no response as error, and rate-limited postponements', async () => {
    await endpoints.create({ url: 'http://127.0.0.1:1/refused', eventTypes: ['payment.refunded'] });
    await webhooks.publish('payment.refunded', { n: 1 });
    const refused = await waitFor(
      async () => {
        const current = await scrape();
        return valueOf(current, 'webhooks_deliveries_completed_total', { outcome: 'failed', event_type: 'payment.refunded' }) === 1 ? current : null;
      },
      { what: 'the refused delivery to fail' },
    );
    expect(valueOf(refused, 'webhooks_attempts_total', { status_class: 'error' })).toBe(2);

    await endpoints.create({ url: receiver.endpoint('/limited'), eventTypes: ['payment.verified'], rateLimitPerSecond: 1 });
    for (const n of [1, 2, 3]) await webhooks.publish('payment.verified', { n });
    const limited = await waitFor(
      async () => {
        const current = await scrape();
        return valueOf(current, 'webhooks_deliveries_completed_total', { outcome: 'succeeded', event_type: 'payment.verified' }) === 3 ? current : null;
      },
      { what: 'three rate-limited deliveries to succeed' },
    );
    expect(valueOf(limited, 'webhooks_postponements_total', { reason: 'rate-limited' })).toBeGreaterThanOrEqual(1);
  });

  it('counts an event the listener could not publish', async () => {
    app.get(EventEmitter2).emit('invoice.created', { note: 'x'.repeat(200) });
    await waitFor(async () => valueOf(await scrape(), 'webhooks_publish_failures_total', { event_type: 'invoice.created' }) === 1, {
      what: 'the publish failure to be counted',
    });
  });

  it('reads the backlog and endpoint statuses from the database on scrape', async () => {
    const idle = await endpoints.create({ url: receiver.endpoint('/idle'), eventTypes: ['invoice.created'] });
    await endpoints.update(idle.id, { status: EndpointStatus.Paused });
    const eventId = randomUUID();
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.created', tenantId: null, data: {}, idempotencyKey: null, createdAt: longAgo });
    // Not queued (the reconciler is off in tests): it stays due, as if no worker were running.
    await dataSource.getRepository(WebhookDelivery).insert({
      id: randomUUID(),
      eventId,
      endpointId: idle.id,
      tenantId: null,
      eventType: 'invoice.created',
      status: DeliveryStatus.Pending,
      attemptCount: 0,
      nextAttemptAt: longAgo,
      createdAt: longAgo,
      updatedAt: longAgo,
    });

    const families = await scrape();
    expect(valueOf(families, 'webhooks_backlog_due_deliveries')).toBe(1);
    expect(valueOf(families, 'webhooks_backlog_oldest_due_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(valueOf(families, 'webhooks_endpoints', { status: 'active' })).toBe(4);
    expect(valueOf(families, 'webhooks_endpoints', { status: 'paused' })).toBe(1);
    expect(valueOf(families, 'webhooks_endpoints', { status: 'disabled' })).toBe(0);
    expect(valueOf(families, 'webhooks_metrics_scrape_errors_total')).toBe(0);
  });
});

describe('metrics: lifecycle and failures', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
  });

  afterAll(() => backend?.drop());

  it('leaves the host registry as it found it on close, so another instance can register', async () => {
    const registry = new Registry();
    const first = await startFixtureApp({ database: backend.database, webhooks: { metrics: { registry }, worker: false } });
    await first.close();
    expect(registry.getMetricsAsArray()).toEqual([]);
    const second = await startFixtureApp({ database: backend.database, webhooks: { metrics: { registry }, worker: false } });
    try {
      expect(registry.getSingleMetric('webhooks_attempts_total')).toBeDefined();
    } finally {
      await second.close();
    }
  });

  it('leaves the database gauges out and counts a scrape error when the database does not answer', async () => {
    const app = await startFixtureApp({ database: backend.database, webhooks: { worker: false, metrics: {} } });
    try {
      const metrics = app.get(WebhooksMetrics);
      await app.get<DataSource>(getDataSourceToken()).destroy();
      const families = parseExposition(await metrics.metrics());
      expect(valueOf(families, 'webhooks_metrics_scrape_errors_total')).toBe(1);
      for (const name of ['webhooks_backlog_due_deliveries', 'webhooks_backlog_oldest_due_age_seconds', 'webhooks_endpoints', 'webhooks_endpoints_circuit_open']) {
        expect({ name, samples: families.get(name)?.samples }).toEqual({ name, samples: [] });
      }
    } finally {
      await app.close();
    }
  });
});

describe('metrics: off unless asked for', () => {
  it('registers nothing and says how to turn them on', async () => {
    const backend = await sqliteEmbedded.create();
    const app = await startFixtureApp({ database: backend.database, withoutRedis: true, webhooks: { worker: false } });
    try {
      expect(() => app.get(WebhooksMetrics).metrics()).toThrow('metrics are off; turn them on with the `metrics` option');
    } finally {
      await app.close();
      await backend.drop();
    }
  });
});

describe('exposition reader', () => {
  it('refuses what the text format does not allow', () => {
    expect(() => parseExposition('# TYPE a counter\na 1')).toThrow(/line feed/);
    expect(() => parseExposition('a 1\n')).toThrow(/outside its family/);
    expect(() => parseExposition('# HELP a h\n# TYPE a counter\na{x="1",x="2"} 1\n')).toThrow(/repeated/);
    expect(() => parseExposition('# HELP a h\n# TYPE a counter\na{x=1} 1\n')).toThrow(/bad label/);
    expect(() => parseExposition('# HELP a h\n# TYPE a counter\na one\n')).toThrow(/bad value/);
    expect(() => parseExposition('# HELP h h\n# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parseExposition('# HELP h h\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/);
  });
});
