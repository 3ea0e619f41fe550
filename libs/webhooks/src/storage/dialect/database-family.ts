import type { DataSource } from 'typeorm';

/** The database families the library ships statements and migrations for. */
export type DatabaseFamily = 'postgres' | 'mysql' | 'sqlite';

/** Which family a DataSource belongs to; unsupported databases are refused with the list. */
export function databaseFamilyOf(dataSource: DataSource): DatabaseFamily {
  // A plain string: TypeORM 1.x dropped 'sqlite' (node-sqlite3) from its DatabaseType.
  const type: string = dataSource.options.type;
  switch (type) {
    case 'postgres':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'better-sqlite3':
    case 'sqlite':
    case 'sqljs':
      return 'sqlite';
    default:
      throw new Error(`nestjs-webhooks: unsupported database type '${type}'. Supported: 'postgres', 'mysql' / 'mariadb', 'better-sqlite3' / 'sqlite' / 'sqljs'.`);
  }
}
