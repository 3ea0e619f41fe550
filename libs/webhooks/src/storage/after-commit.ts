import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';
import { InjectWebhooksDataSource } from './data-source.provider';

const PENDING_KEY = Symbol.for('webhooks.after-commit.pending');

interface Pending {
  /** The transaction depth (savepoints) the work was registered at. */
  depth: number;
  work: () => void;
}

type QueryRunnerData = Record<string | symbol, unknown>;

/**
 * Runs work once the caller's transaction has committed: kept in that transaction's query
 * runner until the outermost commit, dropped when the transaction (or the savepoint it was
 * registered in) rolls back. A subscriber of the library's DataSource.
 */
@Injectable()
export class AfterCommit implements EntitySubscriberInterface, OnModuleInit {
  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.dataSource.subscribers.push(this);
  }

  /** Runs `work` after `manager`'s transaction commits; at once when it is in none. */
  run(manager: EntityManager, work: () => void): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) return work();
    pendingOf(runner).push({ depth: transactionDepth(runner), work });
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive) return; // a savepoint was released; the outer transaction decides
    for (const pending of pendingOf(runner).splice(0)) pending.work();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    const runner = event.queryRunner;
    const pending = pendingOf(runner);
    const depth = runner.isTransactionActive ? transactionDepth(runner) : 0;
    pending.splice(0, pending.length, ...pending.filter((entry) => entry.depth <= depth));
  }
}

function pendingOf(runner: QueryRunner): Pending[] {
  const data = runner.data as QueryRunnerData;
  return ((data[PENDING_KEY] as Pending[] | undefined) ??= []);
}

function transactionDepth(runner: QueryRunner): number {
  return (runner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 1;
}
