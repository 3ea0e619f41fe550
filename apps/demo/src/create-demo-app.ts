import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import type { DemoConfig } from './config/demo-config';

/** The demo application, not yet listening; `main.ts` and the tests both start it this way. */
export async function createDemoApp(config: DemoConfig, options: { logger?: LogLevel[] | false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.register(config), {
    // The receiver verifies signatures over the exact bytes received.
    rawBody: true,
    logger: options.logger,
  });
  app.enableShutdownHooks();
  return app;
}
