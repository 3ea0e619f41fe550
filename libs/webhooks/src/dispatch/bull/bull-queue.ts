import type { Logger } from '@nestjs/common';
import type Bull from 'bull';
import type { Queue } from 'bull';
import type { Cluster, ClusterOptions } from 'ioredis';
import { loadOptionalPeer } from '../../common/optional-peer';
import { isRedisCluster, type RedisClusterConnection } from '../../options/connection.options';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { WEBHOOKS_QUEUE } from '../../webhooks.constants';
import { bullQueueOptions } from './bull-queue.options';

/**
 * The Bull queue of the deliveries, on the Redis of the `redis` option: a server (URL or
 * ioredis options, Sentinel included) or a cluster. Bull is an optional peer: it is loaded
 * here, only when `redis` is set.
 */
export async function createDeliveryQueue<T>(options: ResolvedWebhooksOptions, logger: Logger): Promise<Queue<T>> {
  const BullQueue = await loadOptionalPeer<typeof Bull>('bull', 'The `redis` option (delivery through a Bull queue on Redis)');
  const queueOptions = bullQueueOptions(options);
  const redis = options.redis;
  let queue: Queue<T>;
  if (typeof redis === 'string') queue = new BullQueue<T>(WEBHOOKS_QUEUE, redis, queueOptions);
  else if (isRedisCluster(redis)) queue = await clusterQueue<T>(BullQueue, redis, queueOptions);
  else queue = new BullQueue<T>(WEBHOOKS_QUEUE, { ...queueOptions, redis: redis as NonNullable<Bull.QueueOptions['redis']> });
  // Connection errors surface as 'error' events; unheard, they would end the process.
  queue.on('error', (error: Error) => logger.warn(`queue: ${error.message}`));
  return queue;
}

/**
 * Bull on a Redis Cluster: a `Cluster` client per role. The blocking and subscriber clients
 * must not retry requests nor wait for a ready check (Bull refuses them otherwise), and Bull
 * does not close clients it did not create, so the queue's close closes them.
 */
async function clusterQueue<T>(BullQueue: typeof Bull, redis: RedisClusterConnection, queueOptions: Bull.QueueOptions): Promise<Queue<T>> {
  const ioredis = await loadOptionalPeer<typeof import('ioredis')>('ioredis', 'The `redis.cluster` option (a Redis Cluster)');
  const clients: Cluster[] = [];
  const { redisOptions, ...clusterOptions } = redis.cluster.options ?? {};
  const createClient = (type: 'client' | 'subscriber' | 'bclient'): Cluster => {
    const blocking = type !== 'client';
    const options: ClusterOptions = {
      ...clusterOptions,
      ...(blocking ? { enableReadyCheck: false } : {}),
      redisOptions: { ...redisOptions, ...(blocking ? { enableReadyCheck: false, maxRetriesPerRequest: null } : {}) },
    };
    const client = new ioredis.Cluster([...redis.cluster.nodes] as ConstructorParameters<typeof ioredis.Cluster>[0], options);
    clients.push(client);
    return client;
  };
  const queue = new BullQueue<T>(WEBHOOKS_QUEUE, { ...queueOptions, createClient: createClient as unknown as Bull.QueueOptions['createClient'] });
  const close = queue.close.bind(queue);
  queue.close = async (doNotWaitJobs?: boolean) => {
    await close(doNotWaitJobs);
    await Promise.all(clients.map((client) => client.quit().catch(() => client.disconnect())));
  };
  return queue;
}
