import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_QUEUE } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { DeliveryDispatcher } from '../../dispatch/delivery-dispatcher';

const PROMOTE_CHUNK = 100;

/**
 * Hands deliveries the API made due (retry, recover, replay) to the dispatcher for an attempt
 * now. The Bull dispatcher adds one job per delivery id, so a delivery that waits for a
 * retry already has a delayed job and adding it again does nothing: that job is promoted to
 * run now instead. Jobs in other states are left alone: a waiting job runs soon anyway, an
 * active one belongs to a worker holding the delivery's claim.
 */
@Injectable()
export class DeliveryExpediter {
  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly dispatcher: DeliveryDispatcher,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
  ) {}

  async expedite(deliveryIds: readonly string[], now: Date = new Date()): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.dispatcher.enqueue(deliveryIds.map((id) => ({ id, runAt: now })));
    if (this.options.redis === undefined) return;
    for (let i = 0; i < deliveryIds.length; i += PROMOTE_CHUNK) {
      await Promise.all(deliveryIds.slice(i, i + PROMOTE_CHUNK).map((id) => this.promoteIfDelayed(id)));
    }
  }

  private async promoteIfDelayed(jobId: string): Promise<void> {
    const job = await this.queue.getJob(jobId);
    if (!job || !(await job.isDelayed())) return;
    // The job may leave the delayed set between the check and the promotion; then it runs anyway.
    await job.promote().catch(() => undefined);
  }
}
