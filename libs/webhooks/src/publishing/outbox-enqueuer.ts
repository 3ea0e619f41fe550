import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../storage/data-source.provider';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { DeliveryDispatcher } from '../dispatch/delivery-dispatcher';
import type { DueDelivery } from '../common/due-delivery';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import { answerWithin } from '../common/answer-within';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';

const PENDING_KEY = Symbol.for('webhooks.outbox.pending');

interface PendingBatch {
  depth: number;
  due: readonly DueDelivery[];
}

type QueryRunnerData = Record<string | symbol, unknown>;

/**
 * Hands stored deliveries to the dispatcher. Deliveries written inside a caller's transaction
 * wait in that query runner until the outermost commit (nothing is queued for a transaction
 * that rolls back, or for a savepoint rolled back inside it). A failure to queue is logged and
 * never thrown: the deliveries are in the database and the reconciler queues them later.
 */
@Injectable()
export class OutboxEnqueuer implements EntitySubscriberInterface, OnModuleInit {
  private readonly logger = new Logger('Webhooks');
  private queueUnanswered = false;

  constructor(
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: DeliveryDispatcher,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

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

  async enqueueAfterCommit(manager: EntityManager, due: readonly DueDelivery[]): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return this.enqueueNow(due);
    pendingOf(runner).push({ depth: transactionDepth(runner), due });
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return; // a savepoint was released; the outer transaction decides
    const batches = pendingOf(runner).splice(0);
    // Not awaited: the caller's transaction call should not wait for the queue.
    void this.enqueueNow(batches.flatMap((batch) => batch.due));
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const pending = pendingOf(runner);
    const depth = runner.isTransactionActive ? transactionDepth(runner) : 0;
    const kept = pending.filter((batch) => batch.depth <= depth);
    pending.splice(0, pending.length, ...kept);
  }
}

function pendingOf(runner: QueryRunner): PendingBatch[] {
  const data = runner.data as QueryRunnerData;
  return ((data[PENDING_KEY] as PendingBatch[] | undefined) ??= []);
}

function transactionDepth(runner: QueryRunner): number {
  return (runner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 1;
}
