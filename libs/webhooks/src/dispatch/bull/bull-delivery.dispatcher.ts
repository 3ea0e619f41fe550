import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { DeliveryWorker } from '../../delivery/delivery.worker';
import { DeliveryDispatcher, type QueueCounts } from '../delivery-dispatcher';
import type { DueDelivery } from '../../common/due-delivery';
import { AttemptLaterSignal, WEBHOOK_BACKOFF } from './bull-queue.options';

export const DELIVER_JOB = 'deliver';

export interface DeliverJobData {
  deliveryId: string;
}

// NOTE: a job lives as long as its delivery: each retry delays the same job, so the job id
// stays the delivery id and adding it again (reconciler, manual retry) is harmless.
const JOB_ATTEMPTS_CEILING = 1_000_000;
const REQUEUE_CHUNK = 500;

type JobState = 'missing' | 'delayed' | 'queued';

// Where each job of a chunk stands, in one round trip. A job is missing when Redis has no hash
// for it, or a hash without its data: a worker that was mid-attempt when Redis restarted empty
// writes its bookkeeping (processedOn, attemptsMade, ...) into a fresh, bare hash that belongs
// to no list, and nothing would ever run it. A job never taken (no processedOn) waits in a list
// by construction; one taken before that is neither delayed nor active is looked for in the
// waiting lists (LPOS, Redis 6.0.6+; older servers: assumed queued).
const JOB_STATES_SCRIPT = `
local prefix = ARGV[1]
local states = {}
for i = 2, #ARGV do
  local id = ARGV[i]
  local key = prefix .. id
  local state = 'missing'
  if redis.call('HEXISTS', key, 'data') == 1 then
    if redis.call('ZSCORE', prefix .. 'delayed', id) then
      state = 'delayed'
    elseif redis.call('HEXISTS', key, 'processedOn') == 0 then
      state = 'queued'
    else
      for _, list in ipairs({ 'active', 'wait', 'paused' }) do
        local ok, position = pcall(redis.call, 'LPOS', prefix .. list, id)
        if not ok or position then
          state = 'queued'
          break
        end
      end
    end
  end
  states[#states + 1] = state
end
return states
`;

/**
 * Dispatch through Bull: one job per delivery, job id = delivery id. With the worker role,
 * this process also runs the jobs.
 */
export class BullDeliveryDispatcher extends DeliveryDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private closing?: Promise<void>;

  constructor(
    readonly queue: Queue<DeliverJobData>,
    private readonly options: ResolvedWebhooksOptions,
    private readonly worker: DeliveryWorker,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled || !this.options.worker) return;
    void this.queue.process(DELIVER_JOB, this.options.concurrency, (job) => this.handle(job)).catch((error: Error) => {
      this.logger.error(`delivery worker stopped: ${error.message}`);
    });
  }

  /**
   * Takes no new job, lets the worker finish what it is sending (see `DeliveryWorker.stop`),
   * then lets go of Redis without waiting further: a job still running then keeps its lock
   * until Bull sees it stalled, and its delivery, given up by the worker, is due for another.
   */
  onModuleDestroy(): Promise<void> {
    // Once only: an app closed twice (shutdown hooks and a test's own close) would otherwise
    // pause the closed queue, and Bull opens a new Redis connection for that, never closed.
    this.closing ??= this.close();
    return this.closing;
  }

  private async close(): Promise<void> {
    await this.queue.pause(true, true).catch(() => undefined);
    await this.worker.stop();
    await this.queue.close(true);
  }

  private async handle(job: Job<DeliverJobData>): Promise<void> {
    const step = await this.worker.attempt(job.data.deliveryId);
    if (step.released.length > 0) await this.requeue(step.released);
    if (step.kind === 'later') throw new AttemptLaterSignal(step.at);
  }

  /**
   * Adds the jobs Bull does not have, and moves jobs that wait longer than the database says
   * to `now`. One round trip per chunk finds out which: most requeued deliveries (a
   * reconciler pass over a backlog) are already queued, and re-adding or loading each job
   * would cost the backlog dearly.
   */
  override async requeue(deliveries: readonly DueDelivery[]): Promise<number> {
    let moved = 0;
    for (let i = 0; i < deliveries.length; i += REQUEUE_CHUNK) {
      const chunk = deliveries.slice(i, i + REQUEUE_CHUNK);
      const known = await this.jobStates(chunk.map((delivery) => delivery.id));
      const missing = chunk.filter((_, j) => known[j] === 'missing');
      await this.forget(missing);
      await this.enqueue(missing);
      const now = Date.now();
      const late = chunk.filter((delivery, j) => known[j] === 'delayed' && delivery.runAt.getTime() <= now);
      await Promise.all(
        late.map(async (delivery) => {
          const job = await this.queue.getJob(delivery.id);
          await job?.promote().catch(() => undefined); // it may have started meanwhile
        }),
      );
      moved += missing.length + late.length;
    }
    return moved;
  }

  private async jobStates(ids: string[]): Promise<JobState[]> {
    if (ids.length === 0) return [];
    // One key named, so that a Redis Cluster runs the script on the node of the queue's slot.
    return (await this.queue.client.eval(JOB_STATES_SCRIPT, 1, this.queue.toKey('delayed'), this.queue.toKey(''), ...ids)) as JobState[];
  }

  /** Drops what is left of lost jobs (a bare hash, a stale lock), so that adding them again creates them afresh. */
  private async forget(deliveries: readonly DueDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.client.del(...deliveries.flatMap((delivery) => [this.queue.toKey(delivery.id), this.queue.toKey(`${delivery.id}:lock`)]));
  }

  async enqueue(deliveries: readonly DueDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      deliveries.map((delivery) => ({
        name: DELIVER_JOB,
        data: { deliveryId: delivery.id },
        opts: {
          jobId: delivery.id,
          delay: Math.max(0, delivery.runAt.getTime() - now),
          attempts: JOB_ATTEMPTS_CEILING,
          backoff: { type: WEBHOOK_BACKOFF },
          removeOnComplete: true,
          removeOnFail: true,
          stackTraceLimit: 0,
        },
      })),
    );
  }

  /**
   * Whether Redis answers now. While the queue's client is disconnected it reconnects on its own
   * backoff (up to 2 s between tries) and holds commands meanwhile, so a fresh connection asks
   * instead: the first check after Redis is back says so.
   */
  override async pingQueueServer(): Promise<void> {
    const client = this.queue.client;
    if (client.status === 'ready') {
      await client.ping();
      return;
    }
    const probe = client.duplicate({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
    } finally {
      probe.disconnect();
    }
  }

  override async queueCounts(): Promise<QueueCounts> {
    const [counts, paused] = await Promise.all([this.queue.getJobCounts(), this.queue.getPausedCount()]);
    return { waiting: counts.waiting, active: counts.active, delayed: counts.delayed, failed: counts.failed, completed: counts.completed, paused };
  }
}
