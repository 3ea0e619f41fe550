import type { WebhooksModuleOptions } from 'nestjs-webhooks';
import type { DemoConfig } from './demo-config';

/** The `WebhooksModule.forRootAsync` factory of the demo. */
export function demoWebhooksOptions(config: DemoConfig): WebhooksModuleOptions {
  return {
    enabled: config.webhooksEnabled,
    // API and worker processes may start together: one migrates, the others wait.
    runMigrations: true,
    redis: config.redis,
    queuePrefix: config.queuePrefix,
    worker: config.role !== 'api',
    concurrency: config.concurrency,
    // Prometheus metrics, served at GET /metrics.
    metrics: true,
    // DEMO ONLY: the demo delivers to its own receiver over plain http on loopback.
    // Production must not allow http nor private/loopback networks: leave `outbound` unset
    // (https only, public addresses only) or list just the internal ranges you really need.
    outbound: { allowHttp: true, allowedNetworks: ['127.0.0.0/8', '::1/128'] },
    eventTypes: [
      { name: 'payment.verified', description: 'A payment was verified.' },
      { name: 'payment.refunded', description: 'A payment was refunded, fully or in part.' },
      { name: 'invoice.created', description: 'An invoice was created.' },
      { name: 'invoice.paid', description: 'An invoice was paid.' },
    ],
  };
}
