import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Distinct statement texts given a name at most; past it they run unnamed (parsed each time). */
const MAX_NAMED = 64;
/**
 * Rows a statement text has covered in this process before it is given a name: each run counts
 * its batch (its longest array parameter), or one. PostgreSQL plans a named statement for all
 * parameters alike from its sixth run on a connection, and keeps that plan until the table's
 * statistics change. Made while the tables are new and small, that plan is a sequential scan
 * (cheaper than the primary key below a few thousand rows), and it stays while they grow, up to
 * autovacuum's first analyze: on a fresh database, claims and records read thousands of rows
 * each for the first minute. These statements write or claim the deliveries of their batch, so
 * past this many the tables hold about what the plans should see; until then each run is
 * planned for its own parameters and the tables' size at that moment. (Counted in runs, a
 * batched statement stayed unnamed 28 times as long: a benchmark of 20,000 deliveries never
 * named its records or claims, a fifth of PostgreSQL's statement time went to planning them.)
 */
const ROWS_BEFORE_NAMED = 5_000;

/**
 * PostgreSQL's hot-path statements as named prepared statements, run on the DataSource's pool
 * (node-postgres prepares a named statement once per connection, then only binds and
 * executes it): no parse and plan per statement, and none of TypeORM's query runner. Only
 * outside a caller's transaction: in one, the statement runs on its manager as any other.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly covered = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  async rows<Row>(text: string, values: unknown[], manager?: EntityManager): Promise<Row[]> {
    if (manager?.queryRunner) return (await manager.query(text, values)) as Row[];
    const pool = (this.dataSource.driver as unknown as { master: PgPool }).master;
    try {
      return (await pool.query({ name: this.nameOf(text, batchOf(values)), text, values })).rows as Row[];
    } catch (error) {
      // As TypeORM reports a failed query, so that callers tell its kind (a unique violation, ...) alike.
      throw new QueryFailedError(text, values, error as Error);
    }
  }

  private nameOf(text: string, rows: number): string | undefined {
    const known = this.names.get(text);
    if (known || this.names.size >= MAX_NAMED) return known;
    const covered = (this.covered.get(text) ?? 0) + rows;
    if (covered <= ROWS_BEFORE_NAMED) {
      this.covered.set(text, covered);
      return undefined;
    }
    this.covered.delete(text);
    const name = `webhooks_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    this.names.set(text, name);
    return name;
  }
}

/** The rows a run covers: its batch, the longest of its array parameters, or one. */
function batchOf(values: readonly unknown[]): number {
  let rows = 1;
  for (const value of values) if (Array.isArray(value) && value.length > rows) rows = value.length;
  return rows;
}
