import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { WEBHOOK_MIGRATIONS } from 'nestjs-webhooks';
import { mariadbWithBull, postgresWithBull, type TestBackend } from './support/backends';
import { WebhooksProcess } from './support/processes';

// Three processes of one app start at once on an empty database, each told to migrate it
// (`runMigrations`): one migrates, the others wait for it, and none of them fails or retries.

const PROCESSES = 3;

describe.each([
  ['PostgreSQL', postgresWithBull],
  ['MariaDB', mariadbWithBull],
])('migrations on concurrent start, %s', (_label, backendFactory) => {
  let backend: TestBackend | undefined;
  let processes: WebhooksProcess[] = [];

  afterEach(async () => {
    await Promise.all(processes.map((process) => process.kill()));
    processes = [];
    await backend?.drop();
  });

  it('three processes starting together migrate once, without an error', async () => {
    backend = await backendFactory.create();
    const { type, url } = backend.database as { type: 'postgres' | 'mariadb'; url: string };
    processes = Array.from({ length: PROCESSES }, () =>
      WebhooksProcess.start({
        mode: 'worker',
        databaseUrl: url,
        databaseType: type,
        typeormMigrationsRun: false,
        webhooks: { runMigrations: true, reconcileIntervalMs: 0, retention: false },
      }),
    );
    await Promise.all(processes.map((process) => process.waitForLine('ready', 60_000)));
    expect(processes.map((process) => process.errors)).toEqual(Array(PROCESSES).fill(''));

    const dataSource = new DataSource({ type, url, migrations: WEBHOOK_MIGRATIONS });
    await dataSource.initialize();
    try {
      const executed: Array<{ name: string }> = await dataSource.query('SELECT name FROM migrations ORDER BY id');
      expect(executed.map((row) => row.name)).toEqual(WEBHOOK_MIGRATIONS.map((migration) => migration.name));
      expect(await dataSource.showMigrations()).toBe(false);
    } finally {
      await dataSource.destroy();
    }
  }, 120_000);
});
