import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, type INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EndpointsService, WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, WebhooksService } from 'nestjs-webhooks';
import { DeliveryWorker } from '../libs/webhooks/src/delivery/delivery.worker';
import { RateLimiter } from '../libs/webhooks/src/delivery/rate-limit/rate-limiter';
import { InMemoryRateLimiter } from '../libs/webhooks/src/delivery/rate-limit/in-memory-rate-limiter';
import { RedisRateLimiter } from '../libs/webhooks/src/delivery/rate-limit/redis-rate-limiter';
import { BullDeliveryDispatcher } from '../libs/webhooks/src/dispatch/bull/bull-delivery.dispatcher';
import { DeliveryDispatcher } from '../libs/webhooks/src/dispatch/delivery-dispatcher';
import { EmbeddedDeliveryDispatcher } from '../libs/webhooks/src/dispatch/embedded/embedded-delivery.dispatcher';
import { postgresWithBull, sqliteEmbedded, type BackendFactory, type TestBackend } from './support/backends';
import { startFixtureApp, testWebhookOptions } from './support/fixture-app';

// What WebhooksModule builds and what it lets the host see: one dispatch backend, chosen by
// `redis`, with nothing of the other constructed; the public services for the host, the
// delivery worker and the dispatcher for nobody outside the module.

/** Every provider instance Nest built in the app, across all modules. */
function instancesOf(app: INestApplication): unknown[] {
  return [...app.get(ModulesContainer).values()].flatMap((module) => [...module.providers.values()].map((wrapper) => wrapper.instance));
}

const MODES: Array<[string, BackendFactory, { dispatcher: Function; rateLimiter: Function; absent: Function[] }]> = [
  ['with redis', postgresWithBull, { dispatcher: BullDeliveryDispatcher, rateLimiter: RedisRateLimiter, absent: [EmbeddedDeliveryDispatcher, InMemoryRateLimiter] }],
  ['without redis', sqliteEmbedded, { dispatcher: EmbeddedDeliveryDispatcher, rateLimiter: InMemoryRateLimiter, absent: [BullDeliveryDispatcher, RedisRateLimiter] }],
];

describe.each(MODES)('WebhooksModule %s', (_mode, factory, expected) => {
  let backend: TestBackend;
  let app: INestApplication;

  beforeAll(async () => {
    backend = await factory.create();
    app = await startFixtureApp({ database: backend.database, withoutRedis: backend.withoutRedis, webhooks: { worker: false } });
  });

  afterAll(async () => {
    await app?.close();
    await backend?.drop();
  });

  it('builds that mode’s dispatcher and rate limiter, and nothing of the other mode', () => {
    expect(app.get(DeliveryDispatcher)).toBeInstanceOf(expected.dispatcher);
    expect(app.get(RateLimiter)).toBeInstanceOf(expected.rateLimiter);
    const built = instancesOf(app);
    for (const type of expected.absent) expect(built.filter((instance) => instance instanceof type)).toEqual([]);
  });
});

@Injectable()
class HostServiceUsingTheWorker {
  constructor(@Inject(DeliveryWorker) readonly worker: DeliveryWorker) {}
}

@Injectable()
class HostServiceUsingTheDispatcher {
  constructor(@Inject(DeliveryDispatcher) readonly dispatcher: DeliveryDispatcher) {}
}

@Injectable()
class HostServiceUsingTheServices {
  constructor(
    readonly webhooks: WebhooksService,
    readonly endpoints: EndpointsService,
  ) {}
}

describe('what WebhooksModule gives the host', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await sqliteEmbedded.create();
  });

  afterAll(async () => {
    await backend?.drop();
  });

  const hostModule = (provider: Function) =>
    Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ ...(backend.database as { type: 'better-sqlite3'; database: string }), entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRoot(testWebhookOptions({ worker: false }, true)),
      ],
      providers: [provider as never],
    }).compile();

  it('injects the public services into the host’s providers', async () => {
    const moduleRef = await hostModule(HostServiceUsingTheServices);
    try {
      const host = moduleRef.get(HostServiceUsingTheServices);
      expect(host.webhooks).toBeInstanceOf(WebhooksService);
      expect(host.endpoints).toBeInstanceOf(EndpointsService);
    } finally {
      await moduleRef.close();
    }
  });

  it.each([
    ['DeliveryWorker', HostServiceUsingTheWorker],
    ['DeliveryDispatcher', HostServiceUsingTheDispatcher],
  ])('does not export %s: a host provider that asks for it does not resolve', async (name, provider) => {
    await expect(hostModule(provider)).rejects.toThrow(new RegExp(`resolve dependencies of the ${provider.name}.*the argument ${name} at index \\[0\\]`));
  });
});
