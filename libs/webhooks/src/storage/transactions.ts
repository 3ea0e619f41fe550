import type { DataSource, EntityManager } from 'typeorm';
import { transactionRunnerFor } from './dialect/transaction-runner';

/** Runs `work` in a transaction, as the DataSource's family wants it (see `TransactionRunner`). */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return transactionRunnerFor(dataSource).run(work);
}
