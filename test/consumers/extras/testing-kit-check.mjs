// Run in a consumer app, on the tarball it installed: a host's test setup with the testing kit
// (WebhooksTestingModule on the PostgreSQL of DATABASE_URL), one event published and drained.
// Prints the endpoint's secret and what the kit recorded, for the consumer test to verify.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EndpointsService, WEBHOOK_MIGRATIONS, WebhooksService } from 'nestjs-webhooks';
import { WebhooksTesting, WebhooksTestingModule } from 'nestjs-webhooks/testing';

class KitCheckModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({ type: 'postgres', url: process.env.DATABASE_URL, autoLoadEntities: true, migrations: WEBHOOK_MIGRATIONS }),
    WebhooksTestingModule.forRoot({ runMigrations: true }),
  ],
})(KitCheckModule);

const app = await NestFactory.createApplicationContext(KitCheckModule, { logger: ['error'] });
try {
  const { endpoint } = await app.get(EndpointsService).ensure({ url: 'https://customer.example/hooks', eventTypes: ['*'] });
  await app.get(WebhooksService).publish('kit.checked', { ok: true });
  const { sent } = await app.get(WebhooksTesting).drain();
  console.log(JSON.stringify({ secret: endpoint.secret, sent }));
} finally {
  await app.close();
}
