import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { DATABASE_POOL_SIZE } from './workload';

export type BenchDatabase = { type: 'postgres'; url: string } | { type: 'better-sqlite3'; database: string };

export interface WebhooksAppConfig {
  database: BenchDatabase;
  webhooks: WebhooksModuleOptions;
}

@Module({})
class BenchHostModule {
  static register(config: WebhooksAppConfig): DynamicModule {
    const connection =
      config.database.type === 'postgres'
        ? { type: 'postgres' as const, url: config.database.url, extra: { max: DATABASE_POOL_SIZE } }
        : { type: 'better-sqlite3' as const, database: config.database.database, enableWAL: true };
    return {
      module: BenchHostModule,
      imports: [
        TypeOrmModule.forRoot({ ...connection, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
        EventEmitterModule.forRoot(),
        WebhooksModule.forRoot(config.webhooks),
      ],
    };
  }
}

/** A host app holding the webhooks module: a publisher, a worker, or both (embedded mode). */
export async function startWebhooksApp(config: WebhooksAppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(BenchHostModule.register(config), { logger: ['error', 'warn'] });
  await app.init();
  return app;
}
