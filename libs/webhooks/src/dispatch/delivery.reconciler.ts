import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { DeliveriesRepository } from '../storage/deliveries/deliveries.repository';
import type { DuePosition } from '../storage/deliveries/deliveries.store';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { PeriodicTask } from '../common/periodic-task';

const BATCH = 1_000;
/** Pages in a row that the queue already held, after which a pass stops (and the next resumes). */
const QUIET_PAGES = 10;

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
  /** Where the next pass resumes, in (nextAttemptAt, id) order; null: from the oldest. */
  private resumeAfter: DuePosition | null = null;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly deliveries: DeliveriesRepository,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled || !this.options.worker || this.options.reconcileIntervalMs <= 0) return;
    this.task.start(this.options.reconcileIntervalMs, () => this.reconcile(new Date()));
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Queues due deliveries older than the grace period that the queue lost; returns how many. */
  reconcileOnce(now: Date = new Date()): Promise<number> {
    return this.task.runOnce(() => this.reconcile(now));
  }

  /**
   * Walks the due deliveries oldest first and hands them over; returns how many the
   * dispatcher did not hold. A pass over a long backlog that the queue already holds stops
   * after `QUIET_PAGES` pages and the next pass resumes there, so each pass costs little
   * while still, pass after pass, looking at every due delivery; pages with losses never
   * stop it (after a Redis flush, everything goes back at once).
   */
  private async reconcile(now: Date): Promise<number> {
    const dueBefore = new Date(now.getTime() - this.options.reconcileGraceMs);
    let moved = 0;
    let quietPages = 0;
    while (quietPages < QUIET_PAGES) {
      const due = await this.deliveries.dueAfter(this.resumeAfter, dueBefore, BATCH);
      const movedNow = due.length === 0 ? 0 : await this.dispatcher.requeue(due.map((delivery) => ({ id: delivery.id, runAt: delivery.nextAttemptAt })), { reconciling: true });
      moved += movedNow;
      quietPages = movedNow === 0 ? quietPages + 1 : 0;
      if (due.length < BATCH) {
        this.resumeAfter = null; // the end: the next pass starts from the oldest again
        break;
      }
      this.resumeAfter = due[due.length - 1];
    }
    if (moved > 0) this.logger.log(`reconciler queued ${moved} due deliveries`);
    return moved;
  }
}
