import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { WebhooksModuleOptions } from './webhooks-options.interface';

/** Options given beside the others, also to `forRootAsync`: what the module's shape depends on. */
export interface WebhooksModuleExtras {
  /** Global (the default): `WebhooksService` and `EndpointsService` are wanted in every feature module. */
  isGlobal?: boolean;
  /**
   * The name of the TypeORM DataSource the library stores in (`TypeOrmModule.forRoot({ name })`),
   * for hosts with several connections. Default: the default DataSource.
   */
  dataSource?: string;
}

export const {
  ConfigurableModuleClass: ConfigurableWebhooksModule,
  MODULE_OPTIONS_TOKEN: WEBHOOKS_MODULE_OPTIONS,
  OPTIONS_TYPE: WEBHOOKS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOKS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhooksModuleOptions>({ moduleName: 'Webhooks' })
  .setClassMethodName('forRoot')
  .setExtras<WebhooksModuleExtras>({ isGlobal: true, dataSource: undefined }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
