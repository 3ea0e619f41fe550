import 'reflect-metadata';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { DeliveryStatus, EndpointsService, EndpointStatus, WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhooksHealthIndicator, WebhooksModule, WebhooksService, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { BACKEND_ROWS, postgresWithBull, type BackendFactory, type TestBackend } from './support/backends';
import { testWebhookOptions } from './support/fixture-app';
import { respond, TestReceiver } from './support/receiver';
import { waitFor } from './support/wait-for';

// The health indicator behind a Terminus /health route, on real databases and Redis. Rows are
// seeded directly where a state (an old due delivery, a poor success rate) would otherwise
// take minutes to reach; one test drives real failing deliveries instead.

const MINUTE = 60_000;
/** Redis on a port nothing listens on; a short disconnect grace so the app closes promptly. */
const UNREACHABLE_REDIS = { host: '127.0.0.1', port: 1, disconnectTimeout: 100 };

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly webhooks: WebhooksHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.webhooks.isHealthy('webhooks')]);
  }
}

interface HealthApp {
  app: INestApplication;
  dataSource: DataSource;
  health(): Promise<{ status: number; body: any }>;
}

async function startHealthApp(backend: TestBackend, webhooks: WebhooksModuleOptions = {}): Promise<HealthApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...backend.database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot(),
      TerminusModule,
      WebhooksModule.forRoot(testWebhookOptions(webhooks, backend.withoutRedis)),
    ],
    controllers: [HealthController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.enableShutdownHooks();
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    dataSource: app.get<DataSource>(getDataSourceToken()),
    health: async () => {
      const response = await fetch(`${url}/health`);
      return { status: response.status, body: await response.json() };
    },
  };
}

/** Seeds endpoints, events and deliveries as the pipeline would have left them. */
class Seed {
  private endpointCount = 0;

  constructor(private readonly app: HealthApp) {}

  async endpoint(changes: Partial<WebhookEndpoint> = {}): Promise<WebhookEndpoint> {
    this.endpointCount += 1;
    const endpoint = await this.app.app.get(EndpointsService).create({ url: `http://127.0.0.1:9/seed-${this.endpointCount}`, eventTypes: ['*'] });
    if (Object.keys(changes).length > 0) await this.app.dataSource.getRepository(WebhookEndpoint).update({ id: endpoint.id }, changes);
    return endpoint;
  }

  /** `count` deliveries of one new event to `endpoint`, each with `fields`. */
  async deliveries(endpoint: WebhookEndpoint, count: number, fields: Partial<WebhookDelivery>): Promise<void> {
    const now = new Date();
    const eventId = randomUUID();
    await this.app.dataSource.getRepository(WebhookEvent).insert({ id: eventId, type: 'invoice.paid', tenantId: null, data: {}, idempotencyKey: null, createdAt: now });
    const rows = Array.from({ length: count }, () => ({
      id: randomUUID(),
      eventId,
      endpointId: endpoint.id,
      tenantId: null,
      eventType: 'invoice.paid',
      status: DeliveryStatus.Pending,
      attemptCount: 0,
      nextAttemptAt: null,
      createdAt: now,
      updatedAt: now,
      ...fields,
    }));
    await this.app.dataSource.getRepository(WebhookDelivery).insert(rows);
  }

  succeeded(endpoint: WebhookEndpoint, count: number, completedAt = ago(MINUTE)): Promise<void> {
    return this.deliveries(endpoint, count, { status: DeliveryStatus.Succeeded, attemptCount: 1, completedAt, deliveredAt: completedAt, updatedAt: completedAt });
  }

  failed(endpoint: WebhookEndpoint, count: number, completedAt = ago(MINUTE)): Promise<void> {
    return this.deliveries(endpoint, count, { status: DeliveryStatus.Failed, attemptCount: 1, lastStatusCode: 500, completedAt, updatedAt: completedAt });
  }

  /** Waiting for a retry after a failed attempt, not due yet. */
  retrying(endpoint: WebhookEndpoint, count: number): Promise<void> {
    return this.deliveries(endpoint, count, { status: DeliveryStatus.Retrying, attemptCount: 1, lastStatusCode: 503, nextAttemptAt: ago(-10 * MINUTE), updatedAt: ago(MINUTE) });
  }

  async clear(): Promise<void> {
    for (const entity of [WebhookDelivery, WebhookEvent, WebhookEndpoint]) {
      await this.app.dataSource.createQueryBuilder().delete().from(entity).execute();
    }
  }
}

function ago(ms: number): Date {
  return new Date(Date.now() - ms);
}

describe.each(BACKEND_ROWS)('health indicator on %s', (_label, factory: BackendFactory) => {
  let backend: TestBackend;
  let running: HealthApp;
  let seed: Seed;

  beforeAll(async () => {
    backend = await factory.create();
    // No worker: seeded due deliveries must stay as seeded.
    running = await startHealthApp(backend, { worker: false });
    seed = new Seed(running);
  });

  afterEach(() => seed.clear());

  afterAll(async () => {
    await running?.app.close();
    await backend?.drop();
  });

  it('is up with everything reachable and nothing sent yet', async () => {
    const { status, body } = await running.health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.webhooks).toEqual({
      status: 'up',
      database: 'up',
      redis: backend.withoutRedis ? 'not configured' : 'up',
      backlog: { due: 0, oldestDueSeconds: 0, maxLagSeconds: 300 },
      successRate: { windowSeconds: 900, succeeded: 0, failed: 0, retrying: 0, rate: null, status: 'healthy' },
      endpoints: { disabled: 0, openCircuits: 0 },
      publishBuffer: { pending: 0, capacity: 10_000, dropped: 0, failingSince: null },
      problems: [],
    });
  });

  it('is up at a 95 % success rate', async () => {
    const endpoint = await seed.endpoint();
    await seed.succeeded(endpoint, 19);
    await seed.failed(endpoint, 1);
    const { status, body } = await running.health();
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.info.webhooks.successRate).toMatchObject({ succeeded: 19, failed: 1, retrying: 0, rate: 0.95, status: 'healthy' });
  });

  it('is degraded (still 200) from 80 % up to 95 %, counting deliveries waiting for a retry as not delivered', async () => {
    const endpoint = await seed.endpoint();
    await seed.succeeded(endpoint, 9);
    await seed.retrying(endpoint, 1);
    const { status, body } = await running.health();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.info.webhooks).toMatchObject({
      status: 'degraded',
      successRate: { succeeded: 9, failed: 0, retrying: 1, rate: 0.9, status: 'degraded' },
      problems: ['success rate: 90 % over the last 900 s (degraded)'],
    });
  });

  it('reports an unhealthy success rate as degraded, not down: failing receivers are not our outage', async () => {
    const endpoint = await seed.endpoint();
    await seed.succeeded(endpoint, 1);
    await seed.failed(endpoint, 3);
    const { status, body } = await running.health();
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.info.webhooks.status).toBe('degraded');
    expect(body.info.webhooks.successRate).toMatchObject({ rate: 0.25, status: 'unhealthy' });
  });

  it('leaves out outcomes older than the window and deliveries postponed without a failed attempt', async () => {
    const endpoint = await seed.endpoint();
    await seed.failed(endpoint, 5, ago(20 * MINUTE));
    await seed.deliveries(endpoint, 2, { status: DeliveryStatus.Retrying, attemptCount: 0, nextAttemptAt: ago(-MINUTE) });
    await seed.succeeded(endpoint, 1);
    const { body } = await running.health();
    expect(body.status).toBe('ok');
    expect(body.info.webhooks.successRate).toMatchObject({ succeeded: 1, failed: 0, retrying: 0, rate: 1 });
  });

  it('is down (503) when the oldest due delivery has waited past the threshold', async () => {
    const endpoint = await seed.endpoint();
    await seed.deliveries(endpoint, 2, { nextAttemptAt: ago(MINUTE) });
    const recent = await running.health();
    expect(recent.status).toBe(200);
    expect(recent.body.info.webhooks.backlog).toMatchObject({ due: 2, maxLagSeconds: 300 });
    expect(recent.body.info.webhooks.backlog.oldestDueSeconds).toBeGreaterThanOrEqual(60);

    await seed.deliveries(endpoint, 1, { status: DeliveryStatus.Retrying, attemptCount: 0, nextAttemptAt: ago(10 * MINUTE), updatedAt: ago(20 * MINUTE) });
    const { status, body } = await running.health();
    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(body.error.webhooks).toMatchObject({ status: 'down', database: 'up', backlog: { due: 3 } });
    expect(body.error.webhooks.backlog.oldestDueSeconds).toBeGreaterThanOrEqual(600);
    expect(body.error.webhooks.problems).toEqual([expect.stringMatching(/^backlog: the oldest due delivery has waited \d+ s, more than 300 s$/)]);
  });

  it('does not count deliveries scheduled for later as backlog', async () => {
    const endpoint = await seed.endpoint();
    await seed.retrying(endpoint, 3);
    await seed.deliveries(endpoint, 1, { nextAttemptAt: ago(-MINUTE) });
    const { body } = await running.health();
    expect(body.info.webhooks.backlog).toEqual({ due: 0, oldestDueSeconds: 0, maxLagSeconds: 300 });
  });

  it('counts disabled endpoints and open circuits, deleted endpoints left out', async () => {
    await seed.endpoint();
    await seed.endpoint({ status: EndpointStatus.Disabled, disabledReason: 'the endpoint answered 410 Gone' });
    await seed.endpoint({ status: EndpointStatus.Paused });
    await seed.endpoint({ circuitOpenUntil: ago(-MINUTE), consecutiveFailures: 5 });
    await seed.endpoint({ circuitOpenUntil: ago(MINUTE), consecutiveFailures: 5 });
    const deleted = await seed.endpoint({ status: EndpointStatus.Disabled, circuitOpenUntil: ago(-MINUTE) });
    await running.app.get(EndpointsService).remove(deleted.id);

    const { body } = await running.health();
    expect(body.status).toBe('ok');
    expect(body.info.webhooks.endpoints).toEqual({ disabled: 1, openCircuits: 1 });
  });
});

describe('health indicator thresholds', () => {
  let backend: TestBackend;
  let running: HealthApp;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    running = await startHealthApp(backend, { worker: false, health: { maxBacklogLagMs: 30_000, successRateWindowMs: 5 * MINUTE, healthySuccessRate: 0.5, degradedSuccessRate: 0.2 } });
  });

  afterAll(async () => {
    await running?.app.close();
    await backend?.drop();
  });

  it('follows the configured backlog lag, window and success rates', async () => {
    const seed = new Seed(running);
    const endpoint = await seed.endpoint();
    await seed.succeeded(endpoint, 1);
    await seed.failed(endpoint, 1);
    await seed.failed(endpoint, 4, ago(10 * MINUTE));
    const healthy = await running.health();
    expect(healthy.body.status).toBe('ok');
    expect(healthy.body.info.webhooks.successRate).toMatchObject({ windowSeconds: 300, succeeded: 1, failed: 1, rate: 0.5, status: 'healthy' });

    await seed.deliveries(endpoint, 1, { nextAttemptAt: ago(MINUTE) });
    const late = await running.health();
    expect(late.status).toBe(503);
    expect(late.body.error.webhooks.backlog.maxLagSeconds).toBe(30);
  });
});

describe('health indicator with real deliveries (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let running: HealthApp;
  let receiver: TestReceiver;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    receiver = await TestReceiver.start();
    // One attempt per delivery, so that failures are final at once.
    running = await startHealthApp(backend, { retry: { delaysMs: [0] }, circuitBreaker: false });
  });

  afterAll(async () => {
    await running?.app.close();
    await receiver?.close();
    await backend?.drop();
  });

  it('turns degraded when receivers answer 500', async () => {
    receiver.otherwise((request, response) => (request.path === '/failing' ? respond(500)(request, response) : undefined));
    const endpoints = running.app.get(EndpointsService);
    await endpoints.create({ url: receiver.endpoint('/ok'), eventTypes: ['invoice.paid'] });
    await endpoints.create({ url: receiver.endpoint('/failing'), eventTypes: ['invoice.paid'] });

    expect((await running.health()).body.status).toBe('ok');
    const webhooks = running.app.get(WebhooksService);
    for (const n of [1, 2, 3]) await webhooks.publish('invoice.paid', { n });
    await receiver.waitForRequests(6);

    const { status, body } = await waitFor(
      async () => {
        const answer = await running.health();
        const rate = answer.body.info?.webhooks?.successRate;
        return rate && rate.succeeded + rate.failed === 6 ? answer : null;
      },
      { what: 'six finished deliveries in the health details' },
    );
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.info.webhooks.successRate).toMatchObject({ succeeded: 3, failed: 3, retrying: 0, rate: 0.5, status: 'unhealthy' });
  });
});

describe('health indicator with Redis unreachable', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await postgresWithBull.create();
  });

  afterAll(() => backend?.drop());

  it('is down (503) with the reason, and the app still shuts down', async () => {
    const running = await startHealthApp(backend, { redis: UNREACHABLE_REDIS });
    try {
      const { status, body } = await running.health();
      expect(status).toBe(503);
      expect(body.status).toBe('error');
      expect(body.error.webhooks).toMatchObject({ status: 'down', database: 'up', backlog: { due: 0 }, successRate: { status: 'healthy' } });
      expect(body.error.webhooks.redis).not.toBe('up');
      expect(body.error.webhooks.problems).toEqual([`redis: ${body.error.webhooks.redis}`]);
    } finally {
      await running.app.close();
    }
  });
});
