import type { DataSource, FindOneOptions } from 'typeorm';
import { transactionRunnerFor } from '../../storage/dialect/transaction-runner';

/** `lock` option for a read-modify-write inside `inTransaction` (see `TransactionRunner.rowLock`). */
export function writeLockFor(dataSource: DataSource): FindOneOptions['lock'] {
  return transactionRunnerFor(dataSource).rowLock;
}
