import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Distinct statement texts given a name at most; past it they run unnamed (parsed each time). */
const MAX_NAMED = 64;
/**
 * Runs of a statement text in this process before it is given a name. PostgreSQL plans a named
 * statement for all parameters alike from its sixth run on a connection, and keeps that plan
 * until the table's statistics change. Made while the tables are new and small, that plan is a
 * sequential scan (cheaper than the primary key below a few thousand rows), and it stays while
 * they grow, up to autovacuum's first analyze: on a fresh database, claims and records read
 * thousands of rows each for the first minute. Most of these statements write a delivery or
 * more per run, so past this many the tables hold about what the plans should see; until then
 * each run is planned for its own parameters and the tables' size at that moment.
 */
const RUNS_BEFORE_NAMED = 5_000;

/**
 * PostgreSQL's hot-path statements as named prepared statements, run on the DataSource's pool
 * (node-postgres prepares a named statement once per connection, then only binds and
 * executes it): no parse and plan per statement, and none of TypeORM's query runner. Only
 * outside a caller's transaction: in one, the statement runs on its manager as any other.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly runs = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  async rows<Row>(text: string, values: unknown[], manager?: EntityManager): Promise<Row[]> {
    if (manager?.queryRunner) return (await manager.query(text, values)) as Row[];
    const pool = (this.dataSource.driver as unknown as { master: PgPool }).master;
    try {
      return (await pool.query({ name: this.nameOf(text), text, values })).rows as Row[];
    } catch (error) {
      // As TypeORM reports a failed query, so that callers tell its kind (a unique violation, ...) alike.
      throw new QueryFailedError(text, values, error as Error);
    }
  }

  private nameOf(text: string): string | undefined {
    const known = this.names.get(text);
    if (known || this.names.size >= MAX_NAMED) return known;
    const runs = (this.runs.get(text) ?? 0) + 1;
    if (runs <= RUNS_BEFORE_NAMED) {
      this.runs.set(text, runs);
      return undefined;
    }
    this.runs.delete(text);
    const name = `webhooks_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    this.names.set(text, name);
    return name;
  }
}
