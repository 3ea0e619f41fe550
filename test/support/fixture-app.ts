import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { TEST_REDIS_URL, uniqueName } from './services';

export interface FixtureOptions extends Pick<ModuleMetadata, 'providers' | 'controllers'> {
  /** TypeORM connection of the fixture. */
  database: { type: 'postgres'; url: string } | { type: 'better-sqlite3'; database: string } | { type: 'mariadb' | 'mysql'; url: string };
  webhooks?: WebhooksModuleOptions;
  /** Leave out Redis: embedded dispatch. */
  withoutRedis?: boolean;
}

/** Test settings: loopback receivers allowed, quick retries, a queue of its own. */
export function testWebhookOptions(overrides: WebhooksModuleOptions = {}, withoutRedis = false): WebhooksModuleOptions {
  return {
    redis: withoutRedis ? undefined : TEST_REDIS_URL,
    queuePrefix: uniqueName('whtest'),
    outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8', '::1/128'] },
    retry: { delaysMs: [0, 50, 50, 50] },
    retryJitter: 0,
    timeoutMs: 2_000,
    reconcileIntervalMs: 0,
    eventTypes: ['payment.verified', 'payment.refunded', 'invoice.created', 'invoice.paid'],
    ...overrides,
  };
}

/** A small host app: TypeORM (migrated), EventEmitter2 and the webhooks module. */
export async function startFixtureApp(options: FixtureOptions): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...options.database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot({ wildcard: false }),
      WebhooksModule.forRoot(testWebhookOptions(options.webhooks, options.withoutRedis)),
    ],
    providers: options.providers ?? [],
    controllers: options.controllers ?? [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
