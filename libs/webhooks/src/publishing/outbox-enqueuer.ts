import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { DeliveryDispatcher, type DueDelivery } from '../dispatch/delivery-dispatcher';

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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  async enqueueNow(due: readonly DueDelivery[]): Promise<void> {
    if (due.length === 0) return;
    try {
      await this.dispatcher.enqueue(due);
    } catch (error) {
      this.logger.warn(`could not queue ${due.length} deliveries, they stay due in the database: ${(error as Error).message}`);
    }
  }

  async enqueueAfterCommit(manager: EntityManager, due: readonly DueDelivery[]): Promise<void> {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return this.enqueueNow(due);
    pendingOf(runner).push({ depth: transactionDepth(runner), due });
  }

  afterTransactionCommit(event: TransactionCommitEvent): Promise<void> | void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return; // a savepoint was released; the outer transaction decides
    const batches = pendingOf(runner).splice(0);
    return this.enqueueNow(batches.flatMap((batch) => batch.due));
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
