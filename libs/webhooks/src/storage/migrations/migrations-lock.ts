import type { DataSource, QueryRunner } from 'typeorm';

/** Names the lock every process of every app on one database agrees on. */
const LOCK_NAME = 'nestjs-webhooks:migrations';
/** PostgreSQL's advisory locks take a number: a fixed one, derived once from the name. */
const POSTGRES_LOCK_KEY = 7_251_342_918_604_115n;
/** MySQL's GET_LOCK waits at most this long (seconds) for a migration run of another process. */
const MYSQL_LOCK_WAIT_SECONDS = 600;

/**
 * Runs the DataSource's pending migrations, one process at a time: an advisory lock on
 * PostgreSQL and MySQL/MariaDB, held on a connection of its own, around TypeORM's migration
 * run. Processes starting together wait for the one that migrates, then find nothing pending.
 * (TypeORM's own `migrationsRun` has no lock: concurrent starts race to create its tables.)
 * SQLite has no such lock; a file database is one process's.
 */
export async function runMigrationsOneAtATime(dataSource: DataSource): Promise<void> {
  const type: string = dataSource.options.type;
  const locked = type === 'postgres' || type === 'mysql' || type === 'mariadb';
  if (!locked) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  try {
    await lock(runner, type);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await unlock(runner, type);
    }
  } finally {
    await runner.release();
  }
}

async function lock(runner: QueryRunner, type: string): Promise<void> {
  if (type === 'postgres') {
    await runner.query('SELECT pg_advisory_lock($1)', [POSTGRES_LOCK_KEY.toString()]);
    return;
  }
  const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [LOCK_NAME, MYSQL_LOCK_WAIT_SECONDS])) as Array<{ acquired: number | string | null }>;
  if (Number(row?.acquired) !== 1) throw new Error(`nestjs-webhooks: another process held the migrations lock for ${MYSQL_LOCK_WAIT_SECONDS} s`);
}

async function unlock(runner: QueryRunner, type: string): Promise<void> {
  await (type === 'postgres' ? runner.query('SELECT pg_advisory_unlock($1)', [POSTGRES_LOCK_KEY.toString()]) : runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]));
}
