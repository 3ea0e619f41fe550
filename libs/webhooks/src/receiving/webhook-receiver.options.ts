import type { RawBodyRequest } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** The request as the guard sees it (Express; Fastify's raw request is read the same way). */
export type WebhookRequest = RawBodyRequest<IncomingMessage>;

/** Secrets (`whsec_…`) and ed25519 public keys (`whpk_…`) a webhook may be signed with. */
export type WebhookKeys = string | readonly string[];

/** Options of `WebhookReceiverModule`, read by `WebhookSignatureGuard`. */
export interface WebhookReceiverOptions {
  /**
   * What a webhook must be signed with: `whsec_` secrets and/or `whpk_` public keys, or a
   * function of the request returning them (per tenant, per path, from a store). Several keys
   * cover your own rotations.
   */
  keys: WebhookKeys | ((request: WebhookRequest) => WebhookKeys | Promise<WebhookKeys>);
  /** How far `webhook-timestamp` may be from now, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /**
   * Remembers, in this process's memory, the `webhook-id`s answered 2xx within the tolerance
   * window, at most `maxEntries` (default 10 000). A repeat is answered 200 without running the
   * handler (`onDuplicate: 'acknowledge'`, the default: the sender stops retrying) or 409
   * (`'reject'`); a repeat arriving while the first is still being handled gets 503 with
   * `Retry-After`. `false` turns it off. Keep deduplicating durably on `webhook-id` too: this
   * memory is per process and forgets.
   */
  replayProtection?: false | { maxEntries?: number; onDuplicate?: 'acknowledge' | 'reject' };
  /** The current time, for tests. */
  now?: () => Date;
}
