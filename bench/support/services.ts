import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

/** The services the benchmarks use, the same as the tests'; overridable from the environment. */
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Names of the scenarios' databases start with this. */
export const BENCH_DATABASE_PREFIX = 'webhooks_bench';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface Scratch {
  url: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database for one scenario. */
export async function createPostgresDatabase(): Promise<Scratch> {
  const name = uniqueName(BENCH_DATABASE_PREFIX);
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** A fresh SQLite file for one scenario. */
export function createSqliteFile(): Scratch {
  const file = join(tmpdir(), `${uniqueName('webhooks_bench')}.sqlite`);
  const drop = async () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(`${file}${suffix}`, { force: true });
  };
  return { url: file, drop };
}

/** A Bull key prefix of the scenario's own; `drop()` deletes every key under it. */
export function createQueuePrefix(): { prefix: string; drop(): Promise<void> } {
  const prefix = uniqueName('whbench');
  return {
    prefix,
    drop: async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          if (keys.length > 0) await redis.unlink(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

async function withAdmin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
