import { Inject, type Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';

/** The TypeORM `DataSource` the library stores in: the host's default one, or the one named by `dataSource`. */
export const WEBHOOKS_DATA_SOURCE = 'WEBHOOKS:DATA_SOURCE';

/** Injects the library's `DataSource` (see `WEBHOOKS_DATA_SOURCE`). */
export const InjectWebhooksDataSource = (): ParameterDecorator => Inject(WEBHOOKS_DATA_SOURCE);

export function webhooksDataSourceProvider(dataSourceName: string | undefined): Provider {
  return { provide: WEBHOOKS_DATA_SOURCE, useExisting: getDataSourceToken(dataSourceName) };
}
