import { VARIANTS } from './quickstart';

/** Packages the main entry point must never load on its own: each is for a feature a host opts into. */
export const OPTIONAL_PEERS = [
  'bull',
  '@nestjs/bull',
  'ioredis',
  'prom-client',
  '@nestjs/terminus',
  '@nestjs/swagger',
  'class-validator',
  'class-transformer',
  'csv-stringify',
  '@nestjs/event-emitter',
];

/** The quickstart's `WebhooksModule.forRoot` line, local receiver variant. */
export const WEBHOOKS_MODULE_LINE = VARIANTS.localReceiver.becomes;

/** What replaces it when the extras module is added: metrics on, domain events forwarded. */
export const FULL_WEBHOOKS_MODULE =
  "    WebhooksModule.forRoot({ redis: process.env.REDIS_URL, runMigrations: true, metrics: {}, listenTo: ['order.*'], outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8', '::1/128'] } }),";
