import type { INestApplication, LoggerService } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { inspect } from 'node:util';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS, WebhooksModule, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { WebhooksApiModule } from 'nestjs-webhooks/api';
import { TestApiKeyGuard } from './api-fixture';
import { testWebhookOptions, type FixtureOptions } from './fixture-app';

/** A Nest LoggerService that keeps every line of every level, as text. */
export class CapturedLogs implements LoggerService {
  readonly lines: Array<{ level: string; text: string }> = [];

  log(...args: unknown[]): void {
    this.keep('log', args);
  }
  error(...args: unknown[]): void {
    this.keep('error', args);
  }
  warn(...args: unknown[]): void {
    this.keep('warn', args);
  }
  debug(...args: unknown[]): void {
    this.keep('debug', args);
  }
  verbose(...args: unknown[]): void {
    this.keep('verbose', args);
  }
  fatal(...args: unknown[]): void {
    this.keep('fatal', args);
  }

  /** Every line, one string, for "contains" checks. */
  text(): string {
    return this.lines.map((line) => `${line.level} ${line.text}`).join('\n');
  }

  private keep(level: string, args: unknown[]): void {
    this.lines.push({ level, text: args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 5 }))).join(' ') });
  }
}

export interface SecurityAppOptions {
  database: FixtureOptions['database'];
  withoutRedis?: boolean;
  webhooks?: WebhooksModuleOptions;
  /** Receives every log line of every level; default: errors and warnings to the console. */
  logger?: LoggerService;
  /** Mount the management API under /webhooks (API keys of `TestApiKeyGuard`) and listen on loopback. */
  api?: boolean;
}

/** The fixture host app (plus, optionally, the management API) with a logger of the test's choosing. */
export async function startSecurityApp(options: SecurityAppOptions): Promise<INestApplication> {
  const builder = Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({ ...options.database, entities: WEBHOOK_ENTITIES, migrations: WEBHOOK_MIGRATIONS, migrationsRun: true, logging: false }),
      EventEmitterModule.forRoot({ wildcard: false }),
      WebhooksModule.forRoot(testWebhookOptions(options.webhooks, options.withoutRedis)),
      ...(options.api
        ? [WebhooksApiModule.forRoot({ guards: [TestApiKeyGuard], resolveTenant: (request: { tenantId?: string | null }) => request.tenantId })]
        : []),
    ],
  });
  if (options.logger) builder.setLogger(options.logger);
  const app = (await builder.compile()).createNestApplication({ logger: options.logger ?? ['error', 'warn'] });
  app.enableShutdownHooks();
  if (options.api) await app.listen(0, '127.0.0.1');
  else await app.init();
  return app;
}
