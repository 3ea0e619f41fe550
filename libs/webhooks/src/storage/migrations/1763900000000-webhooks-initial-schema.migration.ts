import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MYSQL_DOWN, mysqlUp } from './initial-schema.mysql';
import { POSTGRES_DOWN, POSTGRES_UP } from './initial-schema.postgres';
import { SQLITE_DOWN, SQLITE_UP } from './initial-schema.sqlite';

/** Creates the webhook tables (endpoints, events, deliveries, attempts) on PostgreSQL, SQLite or MySQL/MariaDB. */
export class WebhooksInitialSchema1763900000000 implements MigrationInterface {
  name = 'WebhooksInitialSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of statements(queryRunner, 'up')) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of statements(queryRunner, 'down')) await queryRunner.query(sql);
  }
}

function statements(queryRunner: QueryRunner, direction: 'up' | 'down'): readonly string[] {
  const driver = queryRunner.connection.driver;
  // A plain string: TypeORM 1.x dropped the 'sqlite' (node-sqlite3) driver from DatabaseType.
  const type: string = driver.options.type;
  switch (type) {
    case 'postgres':
      return direction === 'up' ? POSTGRES_UP : POSTGRES_DOWN;
    case 'better-sqlite3':
    case 'sqlite':
    case 'sqljs':
      return direction === 'up' ? SQLITE_UP : SQLITE_DOWN;
    case 'mysql':
    case 'mariadb':
      // TypeORM maps the entities' `uuid` columns to MariaDB's native uuid type (type 'mariadb',
      // server 10.7+) and to varchar(255) otherwise: ask the driver so the schema matches.
      return direction === 'up'
        ? mysqlUp(driver.normalizeType({ type: 'uuid' }) === 'uuid' ? 'uuid' : 'varchar(255)')
        : MYSQL_DOWN;
    default:
      throw new Error(
        `WebhooksInitialSchema1763900000000: unsupported database type '${type}'. ` +
          `The webhooks library ships migrations for 'postgres', 'better-sqlite3' / 'sqlite' / 'sqljs' and 'mysql' / 'mariadb'.`,
      );
  }
}
