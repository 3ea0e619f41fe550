import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeliveryDispatcher } from '../dispatch/delivery-dispatcher';
import { AfterCommit } from '../storage/after-commit';
import type { DueDelivery } from '../common/due-delivery';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import { answerWithin } from '../common/answer-within';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';

/**
 * Hands stored deliveries to the dispatcher. Deliveries written inside a caller's transaction
 * wait in that query runner until the outermost commit (nothing is queued for a transaction
 * that rolls back, or for a savepoint rolled back inside it). A failure to queue is logged and
 * never thrown: the deliveries are in the database and the reconciler queues them later.
 */
@Injectable()
export class OutboxEnqueuer {
  private readonly logger = new Logger('Webhooks');
  private queueUnanswered = false;

  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly afterCommit: AfterCommit,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  /** Hands new deliveries to the dispatcher, waiting at most `enqueueTimeoutMs`; never throws. */
  enqueueNow(due: readonly DueDelivery[]): Promise<void> {
    return this.handOver(due, () => this.dispatcher.enqueue(due));
  }

  /**
   * Hands over deliveries the dispatcher may already hold for later (manual retry, recovery),
   * as `DeliveryDispatcher.requeue`, with the same bound as `enqueueNow`; never throws.
   */
  requeueNow(due: readonly DueDelivery[]): Promise<void> {
    return this.handOver(due, () => this.dispatcher.requeue(due).then(() => undefined));
  }

  private async handOver(due: readonly DueDelivery[], work: () => Promise<void>): Promise<void> {
    if (due.length === 0) return;
    if (this.queueUnanswered) {
      // The queue did not answer last time: hand over without waiting; the first answer
      // clears the flag, and the reconciler queues whatever this call loses.
      void work().then(() => (this.queueUnanswered = false), () => undefined);
      return;
    }
    try {
      // While Redis is unreachable its client holds commands until it reconnects: do not make
      // the caller wait for that; the reconciler queues what is still due.
      await answerWithin(work(), this.options.enqueueTimeoutMs);
    } catch (error) {
      this.queueUnanswered = true;
      this.logger.warn(`could not queue ${due.length} deliveries, they stay due in the database: ${(error as Error).message}`);
    }
  }

  /** Hands over deliveries written in `manager`'s transaction once it commits (not awaited by the commit). */
  enqueueAfterCommit(manager: EntityManager, due: readonly DueDelivery[]): void {
    this.afterCommit.run(manager, () => void this.enqueueNow(due));
  }
}
