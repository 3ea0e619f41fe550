import type { DataSource, FindOneOptions } from 'typeorm';

const ROW_LOCKING_DRIVERS = new Set(['postgres', 'cockroachdb', 'mysql', 'mariadb', 'mssql', 'oracle']);

/**
 * `lock` option for a read-modify-write inside `inTransaction`: a row lock where the database
 * has them; SQLite has none and needs none, since `inTransaction` runs its transactions one
 * after the other there.
 */
export function writeLockFor(dataSource: DataSource): FindOneOptions['lock'] {
  return ROW_LOCKING_DRIVERS.has(dataSource.options.type) ? { mode: 'pessimistic_write' } : undefined;
}
