import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_QUEUE } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { DeliveryWorker } from '../../delivery/delivery.worker';
import { DELIVER_JOB, type DeliverJobData } from './bull-delivery.dispatcher';
import { AttemptLaterSignal } from './bull-queue.options';

/** Runs delivery jobs in this process when it has the worker role. */
@Injectable()
export class BullDeliveryProcessor implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverJobData>,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly worker: DeliveryWorker,
  ) {}

  onModuleInit(): void {
    // Connection errors surface as 'error' events; unheard, they would end the process.
    this.queue.on('error', (error: Error) => this.logger.warn(`queue: ${error.message}`));
    if (this.options.redis === undefined || !this.options.enabled || !this.options.worker) return;
    void this.queue.process(DELIVER_JOB, this.options.concurrency, (job) => this.handle(job)).catch((error: Error) => {
      this.logger.error(`delivery worker stopped: ${error.message}`);
    });
  }

  private async handle(job: Job<DeliverJobData>): Promise<void> {
    const step = await this.worker.attempt(job.data.deliveryId);
    if (step.kind === 'later') throw new AttemptLaterSignal(step.at);
  }
}
