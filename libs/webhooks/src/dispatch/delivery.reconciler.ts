import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { WebhookDelivery } from '../storage/entities/delivery.entity';
import { ATTEMPTABLE_STATUSES } from '../storage/repositories/deliveries.repository';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { PeriodicTask } from '../common/periodic-task';

const BATCH = 1_000;

/**
 * Queues again what the database says is due but the queue may have lost (Redis flushed or
 * down, a crash between commit and enqueue, a worker killed mid-attempt). Safe to run in
 * every instance: enqueueing a delivery that is already queued is a no-op (job id =
 * delivery id), and a claim in the database lets only one worker attempt it.
 */
@Injectable()
export class DeliveryReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly task = new PeriodicTask<number>('reconcile', this.logger);

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled || !this.options.worker || this.options.reconcileIntervalMs <= 0) return;
    this.task.start(this.options.reconcileIntervalMs, () => this.reconcile(new Date()));
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Queues due deliveries older than the grace period; returns how many were handed over. */
  reconcileOnce(now: Date = new Date()): Promise<number> {
    return this.task.runOnce(() => this.reconcile(now));
  }

  private async reconcile(now: Date): Promise<number> {
    const dueBefore = new Date(now.getTime() - this.options.reconcileGraceMs);
    let handed = 0;
    for (;;) {
      const due = await this.dataSource.getRepository(WebhookDelivery).find({
        select: { id: true, nextAttemptAt: true },
        where: { status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: LessThanOrEqual(dueBefore) },
        order: { nextAttemptAt: 'ASC', id: 'ASC' },
        take: BATCH,
        skip: handed,
      });
      if (due.length === 0) break;
      await this.dispatcher.requeue(due.map((delivery) => ({ id: delivery.id, runAt: delivery.nextAttemptAt ?? now })));
      handed += due.length;
      if (due.length < BATCH) break;
    }
    if (handed > 0) this.logger.log(`reconciler queued ${handed} due deliveries`);
    return handed;
  }
}
