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
    for (let i = 0; i < deliveries.length; i += PROMOTE_BATCH) {
      await Promise.all(
        deliveries
          .slice(i, i + PROMOTE_BATCH)
          .filter((delivery) => delivery.runAt.getTime() <= now)
          .map(async (delivery) => {
            const job = await this.queue.getJob(delivery.id);
            if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
          }),
      );
    }
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
