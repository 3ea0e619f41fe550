import { Inject, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { assertClaimsCanRun } from './dialect/isolation-level';
import { runMigrationsOneAtATime } from './migrations/migrations-lock';

/** The TypeORM `DataSource` the library stores in: the host's default one, or the one named by `dataSource`. */
export const WEBHOOKS_DATA_SOURCE = 'WEBHOOKS:DATA_SOURCE';

/** Injects the library's `DataSource` (see `WEBHOOKS_DATA_SOURCE`). */
export const InjectWebhooksDataSource = (): ParameterDecorator => Inject(WEBHOOKS_DATA_SOURCE);

/**
 * The library's DataSource, checked and migrated first when `runMigrations` is on: every
 * service of the library waits for it, so no table is read before it exists (the host's own
 * code included, e.g. `EndpointsService.ensure` right after `NestFactory.create`), and a
 * database the claims cannot run on is refused before anything is written.
 */
export function webhooksDataSourceProvider(dataSourceName: string | undefined): Provider {
  return {
    provide: WEBHOOKS_DATA_SOURCE,
    inject: [getDataSourceToken(dataSourceName), RESOLVED_WEBHOOKS_OPTIONS],
    useFactory: async (dataSource: DataSource, options: ResolvedWebhooksOptions): Promise<DataSource> => {
      await assertClaimsCanRun(dataSource);
      if (options.runMigrations) await runMigrationsOneAtATime(dataSource);
      return dataSource;
    },
  };
}
