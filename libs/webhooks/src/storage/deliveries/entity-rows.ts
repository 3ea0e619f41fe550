import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity's columns selected under a prefix in a hand-written statement, and the rows turned
 * back into entities as TypeORM's own reads would (its driver's hydration, column transformers
 * included: an endpoint's secret is decrypted as by a `find`).
 */
export class EntityRows<Entity extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;
  private readonly columns: EntityMetadata['columns'];
  /** Each column's name in the rows, `<prefix><column>`, in the order of `columns`. */
  private readonly names: string[];
  /** The primary key's name in the rows. */
  private readonly primaryKey: string;

  constructor(
    private readonly dataSource: DataSource,
    target: EntityTarget<Entity>,
    prefix: string,
  ) {
    this.metadata = dataSource.getMetadata(target);
    this.columns = this.metadata.columns.filter((column) => column.isSelect && !column.isVirtual);
    this.names = this.columns.map((column) => `${prefix}${column.databaseName}`);
    this.primaryKey = `${prefix}${this.metadata.primaryColumns[0].databaseName}`;
  }

  /** The select list of `alias`'s columns, each named `<prefix><column>`. */
  selectList(alias: string): string {
    return this.columns.map((column, i) => `${alias}."${column.databaseName}" AS "${this.names[i]}"`).join(', ');
  }

  /** The entity in `raw`, or null when the join found none (its primary key is null). */
  hydrate(raw: Record<string, unknown>): Entity | null {
    if (raw[this.primaryKey] === null) return null;
    const entity = this.metadata.create() as Entity;
    const { driver } = this.dataSource;
    this.columns.forEach((column, i) => {
      const value = raw[this.names[i]];
      if (value !== undefined) column.setEntityValue(entity, driver.prepareHydratedValue(value, column));
    });
    return entity;
  }
}
