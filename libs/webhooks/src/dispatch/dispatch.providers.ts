import { Logger, type Provider } from '@nestjs/common';
import type { Queue } from 'bull';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { RateLimiter } from '../delivery/rate-limit/rate-limiter';
import { InMemoryRateLimiter } from '../delivery/rate-limit/in-memory-rate-limiter';
import { RedisRateLimiter } from '../delivery/rate-limit/redis-rate-limiter';
import { DeliveriesRepository } from '../storage/deliveries/deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { createDeliveryQueue } from './bull/bull-queue';
import { BullDeliveryDispatcher, type DeliverJobData } from './bull/bull-delivery.dispatcher';
import { EmbeddedDeliveryDispatcher } from './embedded/embedded-delivery.dispatcher';

/** The Bull queue with `redis`; null in embedded mode, where nothing of Bull is loaded. */
const DELIVERY_QUEUE = 'WEBHOOKS:DELIVERY_QUEUE';

/**
 * The one place where the dispatch backend is chosen, once, from the options: with `redis`,
 * a Bull queue, its dispatcher and a rate limiter shared through Redis; without, the embedded
 * dispatcher polling the database and a rate limiter of this process. The rest of the library
 * sees `DeliveryDispatcher` and `RateLimiter` only.
 */
export const DISPATCH_PROVIDERS: Provider[] = [
  {
    provide: DELIVERY_QUEUE,
    inject: [RESOLVED_WEBHOOKS_OPTIONS],
    useFactory: (options: ResolvedWebhooksOptions): Promise<Queue<DeliverJobData>> | null =>
      options.redis === undefined ? null : createDeliveryQueue<DeliverJobData>(options, new Logger('Webhooks')),
  },
  {
    provide: RateLimiter,
    inject: [DELIVERY_QUEUE],
    useFactory: (queue: Queue | null): RateLimiter => (queue ? new RedisRateLimiter(queue) : new InMemoryRateLimiter()),
  },
  {
    provide: DeliveryDispatcher,
    inject: [RESOLVED_WEBHOOKS_OPTIONS, DELIVERY_QUEUE, DeliveriesRepository, DeliveryWorker],
    useFactory: (options: ResolvedWebhooksOptions, queue: Queue<DeliverJobData> | null, deliveries: DeliveriesRepository, worker: DeliveryWorker): DeliveryDispatcher =>
      queue ? new BullDeliveryDispatcher(queue, options, worker) : new EmbeddedDeliveryDispatcher(options, deliveries, worker),
  },
];
