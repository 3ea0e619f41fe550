import type { BullModuleOptions } from '@nestjs/bull';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';

/** Name of the custom Bull backoff that reads the delay the worker decided. */
export const WEBHOOK_BACKOFF = 'webhook-next-attempt';

/**
 * Thrown by the processor when the delivery must be attempted again later; Bull then delays
 * the same job (same id) until `at` through the `WEBHOOK_BACKOFF` strategy.
 */
export class AttemptLaterSignal extends Error {
  override readonly name = 'AttemptLaterSignal';
  constructor(readonly at: Date) {
    super(`next attempt at ${at.toISOString()}`);
  }
}

/** Delay before Bull retries a job that failed for another reason (database down, ...). */
const UNEXPECTED_FAILURE_RETRY_MS = 5_000;

export function bullQueueOptions(options: ResolvedWebhooksOptions, name: string): BullModuleOptions {
  const connection: Pick<BullModuleOptions, 'url' | 'redis'> =
    typeof options.redis === 'string' ? { url: options.redis } : options.redis ? { redis: options.redis } : {};
  return {
    name,
    ...connection,
    prefix: options.queuePrefix,
    // Without Redis (embedded mode) the queue is never used: do not let it reach for one.
    ...(options.redis === undefined ? { skipVersionCheck: true } : {}),
    settings: {
      ...options.queueSettings,
      backoffStrategies: {
        [WEBHOOK_BACKOFF]: (_attemptsMade: number, error: Error) =>
          error instanceof AttemptLaterSignal ? Math.max(0, error.at.getTime() - Date.now()) : UNEXPECTED_FAILURE_RETRY_MS,
      },
    },
  };
}
