import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bull';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { DeliveryWorker } from '../../delivery/delivery.worker';
import { DeliveryDispatcher, type QueueCounts, type RequeueOptions } from '../delivery-dispatcher';
import type { DueDelivery } from '../../common/due-delivery';
import { Places } from '../../common/places';
import { AttemptLaterSignal, UNEXPECTED_FAILURE_RETRY_MS, WEBHOOK_BACKOFF } from './bull-queue.options';
import { JobStates } from './job-states';

export const DELIVER_JOB = 'deliver';
export const DELIVER_BATCH_JOB = 'deliver-batch';

/**
 * A job of one delivery (`deliver`), or the first attempts of a published batch or of a
 * requeued one (`deliver-batch`; `marked`: its deliveries are marked as held by it, which the
 * jobs of earlier versions are not).
 */
export type DeliverJobData = { deliveryId: string } | BatchJobData;
type BatchJobData = { deliveryIds: string[]; marked?: true };

// NOTE: a delivery's own job lives as long as the delivery: each retry delays the same job, so
// the job id stays the delivery id and adding it again (reconciler, manual retry) is harmless;
// while that job runs, `requeue` adds a follow-up job instead, which hands back to it.
// The deliveries of one publish start in one batch job instead (one Bull job, one claim
// statement for all of them); whichever of them is due again afterwards gets its own job. So do
// lost deliveries requeued due now (a reconciler pass after Redis lost them, a recovery). A mark
// per delivery names its batch job, so that a reconciler pass finds it queued: one over a queue
// that is behind does not add a job of its own to every delivery still waiting in a batch.
const JOB_ATTEMPTS_CEILING = 1_000_000;
const REQUEUE_CHUNK = 500;
/** Most deliveries in one batch job. */
const BATCH_SIZE = 100;
/**
 * Bull workers taking jobs of one delivery, as a multiple of `concurrency`, and batch jobs
 * besides: the worker bounds the requests out to `concurrency`, so that while some are out the
 * next jobs are claimed and the finished ones recorded.
 */
const JOBS_PER_REQUEST = 2;
/** The concurrency of the batch jobs' processor in Bull (what runs at once is bounded below). */
const BATCH_JOBS_AT_ONCE = 4;
/**
 * Deliveries of batch jobs claimed and not yet done, as a multiple of `concurrency`. Bull's
 * workers of one queue take a job of any name (the concurrency of its named processors adds
 * up: 68 batch jobs at once by default), so the bound is kept here: a batch job waits, its
 * deliveries unclaimed, until its deliveries fit. Without it a fan-out claimed 6,800 deliveries
 * at once, whose leases were renewed while they waited up to 3 s for a request place, and whose
 * endpoints were read again for the gate; with a bound in jobs rather than deliveries, jobs of
 * a few deliveries each (a publish to ten endpoints) left the claims small.
 */
const BATCH_DELIVERIES_PER_REQUEST = 16;

const JOB_OPTIONS = { attempts: JOB_ATTEMPTS_CEILING, backoff: { type: WEBHOOK_BACKOFF }, removeOnComplete: true, removeOnFail: true, stackTraceLimit: 0 };

/**
 * Dispatch through Bull: a publish's deliveries start in batch jobs, and a delivery due again
 * has a job of its own, job id = delivery id. With the worker role, this process also runs
 * the jobs.
 */
export class BullDeliveryDispatcher extends DeliveryDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly batchDeliveries: Places;
  private readonly jobStates: JobStates;
  private closing?: Promise<void>;

  constructor(
    readonly queue: Queue<DeliverJobData>,
    private readonly options: ResolvedWebhooksOptions,
    private readonly worker: DeliveryWorker,
  ) {
    super();
    this.batchDeliveries = new Places(options.concurrency * BATCH_DELIVERIES_PER_REQUEST);
    this.jobStates = new JobStates(queue);
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled || !this.options.worker) return;
    const stopped = (error: Error) => this.logger.error(`delivery worker stopped: ${error.message}`);
    void this.queue.process(DELIVER_JOB, this.options.concurrency * JOBS_PER_REQUEST, (job) => this.handle(job as Job<{ deliveryId: string }>)).catch(stopped);
    void this.queue.process(DELIVER_BATCH_JOB, BATCH_JOBS_AT_ONCE, (job) => this.handleBatch(job as Job<BatchJobData>)).catch(stopped);
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

  private async handle(job: Job<{ deliveryId: string }>): Promise<void> {
    const { deliveryId } = job.data;
    const step = await this.worker.attempt(deliveryId);
    if (step.released.length > 0) await this.requeue(step.released);
    if (step.kind !== 'later') return;
    // A follow-up job (see `requeue`) hands what comes next back to the delivery's own job.
    if (String(job.id) !== deliveryId) await this.requeue([{ id: deliveryId, runAt: step.at }]);
    else throw new AttemptLaterSignal(step.at);
  }

  /**
   * Attempts every delivery of the batch at once (claimed in one statement; the worker sends
   * as many requests at a time as `concurrency` lets). Those due again
   * (a retry, a postponement, a failure to complete, or not begun because this worker stops)
   * get a job of their own. Should that add fail, the batch job fails and runs again: its
   * deliveries already finished are not claimed twice. Marks end with the job (done with).
   */
  private async handleBatch(job: Job<BatchJobData>): Promise<void> {
    const release = await this.batchDeliveries.acquire(job.data.deliveryIds.length);
    const again: DueDelivery[] = [];
    try {
      // Each delivery gives its place back when done: one slow endpoint's attempt keeps the job
      // running, not the places of the others.
      await Promise.all(job.data.deliveryIds.map((id) => this.attemptInBatch(id, again).finally(() => release(1))));
    } finally {
      release();
    }
    await this.addJobs(again);
    if (job.data.marked) await this.jobStates.unmark(job.data.deliveryIds);
  }

  private async attemptInBatch(deliveryId: string, again: DueDelivery[]): Promise<void> {
    if (this.closing) {
      again.push({ id: deliveryId, runAt: new Date() });
      return;
    }
    try {
      const step = await this.worker.attempt(deliveryId);
      if (step.released.length > 0) await this.requeue(step.released);
      if (step.kind === 'later') again.push({ id: deliveryId, runAt: step.at });
    } catch (error) {
      this.logger.warn(`delivery ${deliveryId} attempt failed to complete: ${(error as Error).message}`);
      again.push({ id: deliveryId, runAt: new Date(Date.now() + UNEXPECTED_FAILURE_RETRY_MS) });
    }
  }

  /**
   * Adds the jobs Bull does not have, and moves jobs that wait longer than the database says
   * to `now`. One round trip per chunk finds out which: most requeued deliveries (a
   * reconciler pass over a backlog) are already queued, and re-adding or loading each job
   * would cost the backlog dearly. A delivery whose job is being run may be past its attempt
   * (a manual retry right after it failed): adding that job again would be a no-op, and the
   * delivery would wait for the reconciler, so it gets a follow-up job of another id; so does
   * one of a batch job being run, but for the reconciler (the job may not have reached it yet).
   * Missing deliveries due now go in marked batch jobs, two or more at a time.
   */
  override async requeue(deliveries: readonly DueDelivery[], { reconciling = false }: RequeueOptions = {}): Promise<number> {
    let moved = 0;
    for (let i = 0; i < deliveries.length; i += REQUEUE_CHUNK) {
      const chunk = deliveries.slice(i, i + REQUEUE_CHUNK);
      const known = await this.jobStates.of(chunk.map((delivery) => delivery.id));
      const now = Date.now();
      const missing = chunk.filter((_, j) => known[j] === 'missing');
      await this.jobStates.forget(missing.map((delivery) => delivery.id));
      const missingDueNow = missing.filter((delivery) => delivery.runAt.getTime() <= now);
      if (missingDueNow.length < 2) await this.addJobs(missing);
      else {
        await this.addBatches(missingDueNow.map((delivery) => delivery.id), () => `requeued-${randomUUID()}`, 0);
        await this.addJobs(missing.filter((delivery) => delivery.runAt.getTime() > now));
      }
      const running = chunk.filter((_, j) => known[j] === 'active' || (known[j] === 'in-active-batch' && !reconciling));
      await this.addJobs(running, `:again-${Date.now()}`);
      const late = chunk.filter((delivery, j) => known[j] === 'delayed' && delivery.runAt.getTime() <= now);
      await Promise.all(
        late.map(async (delivery) => {
          const job = await this.queue.getJob(delivery.id);
          await job?.promote().catch(() => undefined); // it may have started meanwhile
        }),
      );
      moved += missing.length + running.length + late.length;
    }
    return moved;
  }

  /** New deliveries due at one time (a publish's) go in batch jobs; others get jobs of their own. */
  async enqueue(deliveries: readonly DueDelivery[]): Promise<void> {
    const runAt = deliveries[0]?.runAt.getTime();
    if (deliveries.length < 2 || deliveries.some((delivery) => delivery.runAt.getTime() !== runAt)) return this.addJobs(deliveries);
    const ids = deliveries.map((delivery) => delivery.id);
    await this.addBatches(ids, (batch) => `batch-${batch[0]}`, Math.max(0, runAt - Date.now()));
  }

  /**
   * Batch jobs of the deliveries, each marked: the marks are sent first, on the connection the
   * jobs are added on, in the same round trip. A mark without its job (the add failed) counts
   * for nothing. A requeue's jobs take new ids: a publish's batch job may still hold its first
   * delivery, and Bull would take an add under that id for a no-op.
   */
  private async addBatches(ids: readonly string[], jobIdOf: (batch: string[]) => string, delay: number): Promise<void> {
    const jobs = batchesOf(ids).map((batch) => ({ name: DELIVER_BATCH_JOB, data: { deliveryIds: batch, marked: true as const }, opts: { ...JOB_OPTIONS, jobId: jobIdOf(batch), delay } }));
    await Promise.all([...jobs.map((job) => this.jobStates.mark(job.opts.jobId, job.data.deliveryIds)), this.queue.addBulk(jobs)]);
  }

  /** A job of its own for each delivery, job id = delivery id (a follow-up's: with `idSuffix`). */
  private async addJobs(deliveries: readonly DueDelivery[], idSuffix = ''): Promise<void> {
    if (deliveries.length === 0) return;
    const now = Date.now();
    await this.queue.addBulk(
      deliveries.map((delivery) => ({
        name: DELIVER_JOB,
        data: { deliveryId: delivery.id },
        opts: { ...JOB_OPTIONS, jobId: `${delivery.id}${idSuffix}`, delay: Math.max(0, delivery.runAt.getTime() - now) },
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

function batchesOf(ids: readonly string[]): string[][] {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
  return batches;
}
