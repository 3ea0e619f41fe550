import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';

interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** Distinct statement texts given a name at most; past it they run unnamed (parsed each time). */
const MAX_NAMED = 64;

/**
 * PostgreSQL's hot-path statements as named prepared statements, run on the DataSource's pool
 * (node-postgres prepares a named statement once per connection, then only binds and
 * executes it): no parse and plan per statement, and none of TypeORM's query runner. Only
 * outside a caller's transaction: in one, the statement runs on its manager as any other.
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();

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
    const name = `webhooks_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    this.names.set(text, name);
    return name;
  }
}
