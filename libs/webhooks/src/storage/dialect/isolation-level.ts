import type { DataSource } from 'typeorm';
import { databaseFamilyOf } from './database-family';

/**
 * The PostgreSQL isolation levels at which a conditional UPDATE that waited for a row another
 * transaction changed checks its WHERE again on the new row (so the loser of two claimers
 * updates nothing). At repeatable read and serializable PostgreSQL aborts it instead, with a
 * serialization failure. `read uncommitted` runs as read committed in PostgreSQL.
 */
const RECHECKING_LEVELS = new Set(['read committed', 'read uncommitted']);

/**
 * Refuses, at start, a PostgreSQL DataSource whose connections default to repeatable read or
 * serializable: the library's delivery claims and fenced writes are single conditional
 * UPDATEs whose concurrent losers must see "not claimed", not an error. Asked of one pooled
 * connection: every connection of a pool has the same database, role and startup options,
 * which is where the default is set.
 */
export async function assertClaimsCanRun(dataSource: DataSource): Promise<void> {
  if (databaseFamilyOf(dataSource) !== 'postgres') return;
  const [{ level }] = (await dataSource.query(`SELECT current_setting('default_transaction_isolation') AS level`)) as Array<{ level: string }>;
  if (RECHECKING_LEVELS.has(level)) return;
  throw new Error(
    `nestjs-webhooks: the DataSource's default_transaction_isolation is '${level}'; the library needs 'read committed' ` +
      `(at '${level}' PostgreSQL aborts the loser of two workers claiming one delivery with a serialization failure). ` +
      `Give the library connections that use read committed: a DataSource of its own, named in the 'dataSource' option, with ` +
      `extra: { options: '-c default_transaction_isolation=read\\\\ committed' }, or ALTER ROLE <its role> SET default_transaction_isolation = 'read committed'.`,
  );
}
