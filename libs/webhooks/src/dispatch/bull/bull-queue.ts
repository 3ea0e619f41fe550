import type { Logger } from '@nestjs/common';
import type Bull from 'bull';
import type { Queue } from 'bull';
import { loadOptionalPeer } from '../../common/optional-peer';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { WEBHOOKS_QUEUE } from '../../webhooks.constants';
import { bullQueueOptions } from './bull-queue.options';

/**
 * The Bull queue of the deliveries, on the Redis of the `redis` option. Bull is an optional
 * peer: it is loaded here, only when `redis` is set.
 */
export async function createDeliveryQueue<T>(options: ResolvedWebhooksOptions, logger: Logger): Promise<Queue<T>> {
  const BullQueue = await loadOptionalPeer<typeof Bull>('bull', 'The `redis` option (delivery through a Bull queue on Redis)');
  const queueOptions = bullQueueOptions(options);
  const queue =
    typeof options.redis === 'string'
      ? new BullQueue<T>(WEBHOOKS_QUEUE, options.redis, queueOptions)
      : new BullQueue<T>(WEBHOOKS_QUEUE, { ...queueOptions, redis: options.redis as NonNullable<Bull.QueueOptions['redis']> });
  // Connection errors surface as 'error' events; unheard, they would end the process.
  queue.on('error', (error: Error) => logger.warn(`queue: ${error.message}`));
  return queue;
}
