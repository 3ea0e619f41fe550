import type { DataSource, EntityManager } from 'typeorm';

const SINGLE_CONNECTION_DRIVERS = new Set(['better-sqlite3', 'sqljs', 'capacitor', 'cordova', 'expo', 'react-native', 'nativescript']);
const queues = new WeakMap<DataSource, Promise<unknown>>();

/**
 * Runs `work` in a transaction. SQLite drivers have one connection, on which a second
 * transaction cannot start while one is open, so there the library's transactions wait
 * for each other; other databases run them side by side on pooled connections.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!SINGLE_CONNECTION_DRIVERS.has(dataSource.options.type)) return dataSource.transaction(work);
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(() => dataSource.transaction(work));
  queues.set(dataSource, next.catch(() => undefined));
  return next;
}
