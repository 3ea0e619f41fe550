import type { WebhooksModuleOptions } from '../options/webhooks-options.interface';

/** Where endpoint hostnames "resolve" under the kit: never contacted, since no socket is opened. */
const UNCONTACTED_ADDRESS = '192.0.2.1';

/**
 * The host's options, changed for its tests: no Redis (embedded mode), no background delivery
 * (`WebhooksTesting.drain` attempts what is due, when the test says), no retry jitter (a retry
 * due in 5 s is due after `advance(5_000)`), and any endpoint URL accepted without DNS, since
 * the transport opens no socket. Everything else (schedule, circuit breaker, tenants, the
 * feature flag…) is the host's.
 */
export function optionsForTesting(options: WebhooksModuleOptions): WebhooksModuleOptions {
  return {
    ...options,
    redis: undefined,
    worker: false,
    retryJitter: 0,
    outbound: { allowHttp: true, allowedNetworks: ['0.0.0.0/0', '::/0'], resolveHost: async () => [UNCONTACTED_ADDRESS] },
  };
}
