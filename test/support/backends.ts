import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import type { FixtureOptions } from './fixture-app';
import { createPostgresDatabase, TEST_MYSQL_URL, uniqueName } from './services';

/** A database (and dispatch mode) a suite runs against; `drop()` removes what it created. */
export interface TestBackend {
  name: string;
  database: FixtureOptions['database'];
  withoutRedis: boolean;
  drop(): Promise<void>;
}

/** Named so that `describe.each` titles say which backend a suite ran on. */
export interface BackendFactory {
  label: string;
  create(): Promise<TestBackend>;
}

export const postgresWithBull: BackendFactory = {
  label: 'PostgreSQL + Bull',
  create: async () => {
  const db = await createPostgresDatabase();
  return { name: 'PostgreSQL + Bull', database: { type: 'postgres', url: db.url }, withoutRedis: false, drop: db.drop };
  },
};

export const sqliteEmbedded: BackendFactory = {
  label: 'SQLite, embedded (no Redis)',
  create: async () => {
  const file = join(tmpdir(), `${uniqueName('webhooks')}.sqlite`);
  return {
    name: 'SQLite, embedded (no Redis)',
    database: { type: 'better-sqlite3', database: file },
    withoutRedis: true,
    drop: () => rm(file, { force: true }),
  };
  },
};

export const mariadbWithBull: BackendFactory = {
  label: 'MariaDB + Bull',
  create: async () => {
  const name = uniqueName('webhooks_test');
  const admin = new URL(TEST_MYSQL_URL);
  const connection = await createConnection({ host: admin.hostname, port: Number(admin.port || 3306), user: decodeURIComponent(admin.username) || 'root', password: decodeURIComponent(admin.password) });
  await connection.query(`CREATE DATABASE \`${name}\``);
  await connection.end();
  const url = new URL(TEST_MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    name: 'MariaDB + Bull',
    database: { type: 'mariadb', url: url.toString() },
    withoutRedis: false,
    drop: async () => {
      const c = await createConnection({ host: admin.hostname, port: Number(admin.port || 3306), user: decodeURIComponent(admin.username) || 'root', password: decodeURIComponent(admin.password) });
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
  },
};

export const ALL_BACKENDS: BackendFactory[] = [postgresWithBull, sqliteEmbedded, mariadbWithBull];

/** `describe.each` rows: [label, factory]. */
export const BACKEND_ROWS = ALL_BACKENDS.map((factory) => [factory.label, factory] as const);
