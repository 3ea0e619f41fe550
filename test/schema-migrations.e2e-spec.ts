import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { WEBHOOK_ENTITIES, WEBHOOK_MIGRATIONS } from 'nestjs-webhooks';

// The shipped migrations must create exactly the schema the entities describe, on every supported
// database: after running them on an empty database, TypeORM's schema builder must find nothing to do.

const TABLES = ['webhook_endpoints', 'webhook_events', 'webhook_deliveries', 'webhook_attempts'];
const MIGRATION_NAMES = WEBHOOK_MIGRATIONS.map((migration) => migration.name);
const TIMEOUT = 60_000;

/** A fresh empty database (or schema) for one run, and how to get rid of it. */
interface Sandbox {
  options: DataSourceOptions;
  cleanup(): Promise<void>;
}

const uniqueName = (): string => `webhooks_mig_${Date.now()}_${randomBytes(4).toString('hex')}`;

async function withAdmin<T>(options: DataSourceOptions, work: (admin: DataSource) => Promise<T>): Promise<T> {
  const admin = new DataSource(options);
  await admin.initialize();
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

async function postgresSandbox(): Promise<Sandbox> {
  const admin: DataSourceOptions = { type: 'postgres', host: '127.0.0.1', port: 5432, username: 'postgres', database: 'test' };
  const schema = uniqueName();
  await withAdmin(admin, (ds) => ds.query(`CREATE SCHEMA "${schema}"`));
  return {
    // No `schema` option: the migration uses unqualified names, so the connection's search_path decides.
    options: { ...admin, extra: { options: `-c search_path=${schema}` } },
    cleanup: () => withAdmin(admin, (ds) => ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
  };
}

async function sqliteSandbox(): Promise<Sandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-mig-'));
  return {
    options: { type: 'better-sqlite3', database: join(dir, 'webhooks.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** MariaDB under both DataSource types: 'mariadb' maps `uuid` columns to the native uuid type, 'mysql' to varchar(255). */
function mariadbSandbox(type: 'mariadb' | 'mysql'): () => Promise<Sandbox> {
  return async () => {
    const admin: DataSourceOptions = { type, host: '127.0.0.1', port: 3306, username: 'root', database: 'test' };
    const database = uniqueName();
    await withAdmin(admin, (ds) => ds.query(`CREATE DATABASE \`${database}\``));
    return {
      options: { ...admin, database },
      cleanup: () => withAdmin(admin, (ds) => ds.query(`DROP DATABASE IF EXISTS \`${database}\``)),
    };
  };
}

/** The SQL TypeORM would still run to make the database match the entities: must be empty. */
async function drift(ds: DataSource): Promise<string[]> {
  const { upQueries } = await ds.driver.createSchemaBuilder().log();
  return upQueries.map((query) => query.query);
}

async function existingTables(ds: DataSource): Promise<string[]> {
  const queryRunner = ds.createQueryRunner();
  try {
    const found: string[] = [];
    for (const table of TABLES) if (await queryRunner.hasTable(table)) found.push(table);
    return found;
  } finally {
    await queryRunner.release();
  }
}

async function postgresEnumTypes(ds: DataSource): Promise<string[]> {
  const rows: { typname: string }[] = await ds.query(
    `SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema() AND t.typtype = 'e' ORDER BY t.typname`,
  );
  return rows.map((row) => row.typname);
}

/**
 * [name, sandbox factory, whether TypeORM reports drift even on a schema it synchronized itself].
 * TypeORM's 'mysql' driver misreads MariaDB's metadata (MariaDB reports the default of a nullable
 * column as the string 'NULL'), so on that pair the migration must leave exactly the drift that
 * `synchronize` leaves, measured on a second fresh database; everywhere else it must leave none.
 */
const dialects: [string, () => Promise<Sandbox>, boolean][] = [
  ['PostgreSQL', postgresSandbox, false],
  ['SQLite (better-sqlite3)', sqliteSandbox, false],
  ['MariaDB (type mariadb)', mariadbSandbox('mariadb'), false],
  ['MariaDB (type mysql)', mariadbSandbox('mysql'), true],
];

/** What the schema builder still reports on a schema TypeORM synchronized itself. */
async function synchronizeBaseline(createSandbox: () => Promise<Sandbox>): Promise<string[]> {
  const sandbox = await createSandbox();
  try {
    return await withAdmin({ ...sandbox.options, entities: WEBHOOK_ENTITIES, synchronize: true } as DataSourceOptions, drift);
  } finally {
    await sandbox.cleanup();
  }
}

describe.each(dialects)('shipped migrations on %s', (_name, createSandbox, typeormDrifts) => {
  let sandbox: Sandbox | undefined;
  let ds: DataSource | undefined;
  let expectedDrift: string[] = [];

  beforeAll(async () => {
    if (typeormDrifts) expectedDrift = await synchronizeBaseline(createSandbox);
    sandbox = await createSandbox();
    ds = new DataSource({
      ...sandbox.options,
      entities: WEBHOOK_ENTITIES,
      migrations: WEBHOOK_MIGRATIONS,
      synchronize: false,
      migrationsRun: false,
      logging: false,
    } as DataSourceOptions);
    await ds.initialize();
  }, TIMEOUT);

  afterAll(async () => {
    try {
      if (ds?.isInitialized) await ds.destroy();
    } finally {
      await sandbox?.cleanup();
    }
  }, TIMEOUT);

  const dataSource = (): DataSource => {
    if (!ds) throw new Error('DataSource not initialized');
    return ds;
  };

  it('starts from an empty database, where the schema builder does see work to do', async () => {
    expect(await existingTables(dataSource())).toEqual([]);
    expect((await drift(dataSource())).length).toBeGreaterThan(0);
  }, TIMEOUT);

  it('runs the migrations and leaves no drift from the entities (beyond TypeORM\'s own)', async () => {
    const executed = await dataSource().runMigrations({ transaction: 'each' });
    expect(executed.map((migration) => migration.name)).toEqual(MIGRATION_NAMES);
    expect(await existingTables(dataSource())).toEqual(TABLES);
    expect(await drift(dataSource())).toEqual(expectedDrift);
  }, TIMEOUT);

  it('undoes the migrations, last first: the webhook tables are gone', async () => {
    for (const _migration of MIGRATION_NAMES) await dataSource().undoLastMigration({ transaction: 'each' });
    expect(await existingTables(dataSource())).toEqual([]);
    if (dataSource().options.type === 'postgres') expect(await postgresEnumTypes(dataSource())).toEqual([]);
    expect(await dataSource().showMigrations()).toBe(true);
  }, TIMEOUT);

  it('runs the migrations again cleanly', async () => {
    const executed = await dataSource().runMigrations({ transaction: 'each' });
    expect(executed.map((migration) => migration.name)).toEqual(MIGRATION_NAMES);
    expect(await drift(dataSource())).toEqual(expectedDrift);
    expect(await dataSource().showMigrations()).toBe(false);
  }, TIMEOUT);
});
