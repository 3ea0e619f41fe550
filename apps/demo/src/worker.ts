import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadDemoConfig } from './config/demo-config';

/**
 * A delivery worker without HTTP: `node dist/.../worker.js` with the same DATABASE_URL and
 * REDIS_URL as the API processes. Start as many as the load needs; they share the queue.
 */
async function bootstrap(): Promise<void> {
  const config = { ...loadDemoConfig(process.env), role: 'worker' as const };
  const app = await NestFactory.createApplicationContext(AppModule.register(config));
  app.enableShutdownHooks();
  new Logger('Demo').log(`worker ${process.pid} started (redis: ${config.redis === undefined ? 'none, embedded mode' : 'queue'})`);
}

void bootstrap();
