import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { createWebhooksApiDocument } from 'nestjs-webhooks/api';
import { AppModule } from './app.module';
import type { DemoConfig } from './config/demo-config';

/** The demo application, not yet listening; `main.ts` and the tests both start it this way. */
export async function createDemoApp(config: DemoConfig, options: { logger?: LogLevel[] | false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    // The receiver verifies signatures over the exact bytes received.
    rawBody: true,
    logger: options.logger,
  });
  app.enableShutdownHooks();
  // Above the library's 256 KB payload limit, so large events reach it and get its clear 413.
  app.useBodyParser('json', { limit: '300kb' });
  if (config.role !== 'worker') SwaggerModule.setup('docs', app, createWebhooksApiDocument(app, { title: 'Webhooks demo: management API' }));
  return app;
}
