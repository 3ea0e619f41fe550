import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { DataSource, In, LessThan } from 'typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEvent } from '../entities/event.entity';
import { PeriodicTask } from '../../common/periodic-task';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionReport {
  deliveries: number;
  events: number;
}

/**
 * Removes finished deliveries past their retention (with their attempts), then events that
 * no delivery refers to any more, in bounded batches so no statement locks much at once.
 * Safe in every instance: deleting what another instance already deleted is a no-op.
 */
@Injectable()
export class RetentionCleaner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly task = new PeriodicTask<RetentionReport>('retention cleanup', this.logger);

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const retention = this.options.retention;
    if (!retention || !this.options.enabled || !this.options.worker) return;
    this.task.start(retention.intervalMs, () => this.clean(new Date()));
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  cleanOnce(now: Date = new Date()): Promise<RetentionReport> {
    return this.task.runOnce(() => this.clean(now));
  }

  private async clean(now: Date): Promise<RetentionReport> {
    const retention = this.options.retention;
    if (!retention) return { deliveries: 0, events: 0 };
    const succeededBefore = new Date(now.getTime() - retention.succeededDays * DAY_MS);
    const failedBefore = new Date(now.getTime() - retention.failedDays * DAY_MS);
    const deliveries =
      (await this.deleteDeliveries([DeliveryStatus.Succeeded], succeededBefore, retention.batchSize)) +
      (await this.deleteDeliveries([DeliveryStatus.Failed, DeliveryStatus.Cancelled], failedBefore, retention.batchSize));
    // Only events no delivery refers to go, so the shorter retention is the cutoff.
    const eventsBefore = succeededBefore > failedBefore ? succeededBefore : failedBefore;
    const events = await this.deleteOrphanEvents(eventsBefore, retention.batchSize);
    if (deliveries + events > 0) this.logger.log(`retention removed ${deliveries} deliveries and ${events} events`);
    return { deliveries, events };
  }

  private async deleteDeliveries(statuses: DeliveryStatus[], before: Date, batchSize: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.dataSource.getRepository(WebhookDelivery).find({
        select: { id: true },
        where: { status: In(statuses), completedAt: LessThan(before) },
        take: batchSize,
      });
      if (batch.length === 0) return removed;
      const ids = batch.map((delivery) => delivery.id);
      // Attempts first: foreign keys are not enforced on every SQLite connection.
      await this.dataSource.getRepository(WebhookAttempt).delete({ deliveryId: In(ids) });
      await this.dataSource.getRepository(WebhookDelivery).delete({ id: In(ids) });
      removed += ids.length;
    }
  }

  /** Events past the retention with no delivery left. */
  private async deleteOrphanEvents(before: Date, batchSize: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const orphans = await this.dataSource
        .getRepository(WebhookEvent)
        .createQueryBuilder('event')
        .select('event.id', 'id')
        .where('event.createdAt < :before', { before })
        .andWhere((qb) => `NOT EXISTS ${qb.subQuery().select('1').from(WebhookDelivery, 'delivery').where('delivery.eventId = event.id').getQuery()}`)
        .limit(batchSize)
        .getRawMany<{ id: string }>();
      if (orphans.length === 0) return removed;
      await this.dataSource.getRepository(WebhookEvent).delete({ id: In(orphans.map((event) => event.id)) });
      removed += orphans.length;
    }
  }
}
