import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { WEBHOOKS_QUEUE } from '../../webhooks.constants';
import { DeliveryDispatcher, type DueDelivery } from '../delivery-dispatcher';
import { WEBHOOK_BACKOFF } from './bull-queue.options';

export const DELIVER_JOB = 'deliver';

export interface DeliverJobData {
  deliveryId: string;
}

// NOTE: a job lives as long as its delivery: each retry delays the same job, so the job id
// stays the delivery id and adding it again (reconciler, manual retry) is harmless.
const JOB_ATTEMPTS_CEILING = 1_000_000;
const PROMOTE_BATCH = 100;

/** Dispatch through Bull: one job per delivery, job id = delivery id. */
@Injectable()
export class BullDeliveryDispatcher extends DeliveryDispatcher {
  constructor(@InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverJobData>) {
    super();
  }

  /** Adds missing jobs, and moves jobs that wait longer than the database says to `now`. */
  override async requeue(deliveries: readonly DueDelivery[]): Promise<void> {
    await this.enqueue(deliveries);
    const now = Date.now();
    const due = deliveries.filter((delivery) => delivery.runAt.getTime() <= now).map((delivery) => delivery.id);
    for (let i = 0; i < due.length; i += PROMOTE_BATCH) {
      const delayed = await this.delayedAmong(due.slice(i, i + PROMOTE_BATCH));
      await Promise.all(
        delayed.map(async (id) => {
          const job = await this.queue.getJob(id);
          await job?.promote().catch(() => undefined); // it may have started meanwhile
        }),
      );
    }
  }

  /**
   * The ids whose jobs wait in Bull's delayed set, in one round trip: most requeued jobs are
   * already waiting, and loading each job to ask would cost a backlog dearly.
   */
  private async delayedAmong(ids: string[]): Promise<string[]> {
    const pipeline = this.queue.client.pipeline();
    for (const id of ids) pipeline.zscore(this.queue.toKey('delayed'), id);
    const scores = (await pipeline.exec()) ?? [];
    return ids.filter((_, i) => scores[i]?.[1] !== null && scores[i]?.[1] !== undefined);
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
}
