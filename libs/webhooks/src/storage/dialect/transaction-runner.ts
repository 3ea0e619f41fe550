import type { DataSource, EntityManager, FindOneOptions } from 'typeorm';
import { databaseFamilyOf } from './database-family';

/**
 * How the library runs its transactions on one database family: side by side on pooled
 * connections with row locks for read-modify-writes (PostgreSQL, MySQL), or one after the
 * other (SQLite: one connection, on which a second transaction cannot start while one is open,
 * and no row locks, which it then needs none of).
 */
export interface TransactionRunner {
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** The `lock` option of a read-modify-write inside `run`. */
  readonly rowLock: FindOneOptions['lock'];
}

const runners = new WeakMap<DataSource, TransactionRunner>();

/** The runner of a DataSource (one per DataSource: SQLite's queue must be shared by every caller). */
export function transactionRunnerFor(dataSource: DataSource): TransactionRunner {
  let runner = runners.get(dataSource);
  if (!runner) runners.set(dataSource, (runner = databaseFamilyOf(dataSource) === 'sqlite' ? serialized(dataSource) : pooled(dataSource)));
  return runner;
}

function pooled(dataSource: DataSource): TransactionRunner {
  return { run: (work) => dataSource.transaction(work), rowLock: { mode: 'pessimistic_write' } };
}

function serialized(dataSource: DataSource): TransactionRunner {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    rowLock: undefined,
    run: <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const next = queue.then(() => dataSource.transaction(work));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
