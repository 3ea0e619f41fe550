import type { QueueOptions } from 'bull';
import { isRedisCluster } from '../../options/connection.options';
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
export const UNEXPECTED_FAILURE_RETRY_MS = 5_000;

/** Bull's options of the delivery queue (the connection aside, see `bull-queue.ts`). */
export function bullQueueOptions(options: ResolvedWebhooksOptions): QueueOptions {
  return {
    prefix: queuePrefix(options),
    settings: {
      ...options.queueSettings,
      backoffStrategies: {
        [WEBHOOK_BACKOFF]: (_attemptsMade: number, error: Error) =>
          error instanceof AttemptLaterSignal ? Math.max(0, error.at.getTime() - Date.now()) : UNEXPECTED_FAILURE_RETRY_MS,
      },
    },
  };
}

/**
 * The prefix of the queue's keys. On a Redis Cluster every key a Bull script touches must hash
 * to one slot: the prefix goes in braces (a hash tag) unless it has one already.
 */
export function queuePrefix(options: Pick<ResolvedWebhooksOptions, 'queuePrefix' | 'redis'>): string {
  return isRedisCluster(options.redis) && !/\{[^}]+\}/.test(options.queuePrefix) ? `{${options.queuePrefix}}` : options.queuePrefix;
}
