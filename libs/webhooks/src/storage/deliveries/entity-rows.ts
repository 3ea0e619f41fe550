import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity's columns selected under a prefix in a hand-written statement, and the rows turned
 * back into entities as TypeORM's own reads would (its driver's hydration, column transformers
 * included: an endpoint's secret is decrypted as by a `find`).
 */
export class EntityRows<Entity extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly columns: EntityMetadata['columns'];

  constructor(
    private readonly dataSource: DataSource,
    target: EntityTarget<Entity>,
    private readonly prefix: string,
  ) {
    this.metadata = dataSource.getMetadata(target);
    this.columns = this.metadata.columns.filter((column) => column.isSelect && !column.isVirtual);
  }

  /** The select list of `alias`'s columns, each named `<prefix><column>`. */
  selectList(alias: string): string {
    return this.columns.map((column) => `${alias}."${column.databaseName}" AS "${this.prefix}${column.databaseName}"`).join(', ');
  }

  /** The entity in `raw`, or null when the join found none (its primary key is null). */
  hydrate(raw: Record<string, unknown>): Entity | null {
    if (raw[`${this.prefix}${this.metadata.primaryColumns[0].databaseName}`] === null) return null;
    const entity = this.metadata.create() as Entity;
    for (const column of this.columns) {
      const value = raw[`${this.prefix}${column.databaseName}`];
      if (value !== undefined) column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(value, column));
    }
    return entity;
  }
}
