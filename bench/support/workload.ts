import { randomUUID } from 'node:crypto';
import type { WebhooksModuleOptions } from 'nestjs-webhooks';
import { REDIS_URL } from './services';

/** Deliveries in flight per process, for the library and both baselines alike. */
export const CONCURRENCY = setting('BENCH_CONCURRENCY', 32);
/** Publish calls in flight at once when a scenario publishes as fast as it can. */
export const PUBLISH_CONCURRENCY = setting('BENCH_PUBLISH_CONCURRENCY', 8);
/** PostgreSQL connections per process (TypeORM's default is 10). */
export const DATABASE_POOL_SIZE = setting('BENCH_DATABASE_POOL', 10);
export const EVENT_TYPE = 'invoice.paid';
/** Request timeout of every endpoint. */
export const ENDPOINT_TIMEOUT_MS = 5_000;

/** The `data` of the i-th event: a small invoice, about 250 bytes of JSON. */
export function eventData(i: number): Record<string, unknown> {
  return {
    invoiceId: `inv_${String(i).padStart(8, '0')}`,
    customerId: 'cus_4f9a1c2e7b',
    amount: 4200,
    currency: 'EUR',
    lines: [{ sku: 'plan-pro-monthly', quantity: 1, amount: 4200 }],
    paidAt: '2026-11-01T12:00:00.000Z',
  };
}

/** The body the baselines POST: the envelope the library sends, with the same data. */
export function envelopeBody(): string {
  return JSON.stringify({ id: randomUUID(), type: EVENT_TYPE, timestamp: new Date().toISOString(), data: eventData(0) });
}

/**
 * Module options of every scenario: Redis (unless embedded), loopback receivers allowed,
 * 32 deliveries in flight, 5 s request timeout, no reconciler and no retention sweep (the
 * scenarios that need them turn them on).
 */
export function benchWebhookOptions(overrides: WebhooksModuleOptions = {}): WebhooksModuleOptions {
  return {
    redis: REDIS_URL,
    outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8'] },
    concurrency: CONCURRENCY,
    timeoutMs: ENDPOINT_TIMEOUT_MS,
    reconcileIntervalMs: 0,
    retention: false,
    eventTypes: [EVENT_TYPE],
    ...overrides,
  };
}

/** A numeric setting that the environment may override, to explore (the defaults are what is reported). */
function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}
