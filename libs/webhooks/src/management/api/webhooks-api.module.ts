import { Module, type DynamicModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { DeliveryExportReader } from '../../storage/queries/delivery-export.reader';
import { DeliveryStatsQueries } from '../../storage/queries/delivery-stats.queries';
import { DashboardController } from './dashboard/dashboard.controller';
import { WebhooksPortal } from './dashboard/webhooks-portal.service';
import { DeliveryTimeseriesQueries } from '../../storage/queries/delivery-timeseries.queries';
import { AttemptTimeseriesQueries } from '../../storage/queries/attempt-timeseries.queries';
import { EndpointStatsQueries } from '../../storage/queries/endpoint-stats.queries';
import { DeliveriesController } from './controllers/deliveries.controller';
import { DeliveryExportSlots } from './delivery-export.slots';
import { EndpointsController } from './controllers/endpoints.controller';
import { EventsController } from './controllers/events.controller';
import { MonitoringController } from './controllers/monitoring.controller';
import { WebhooksApiExceptionFilter } from './webhooks-api.exception-filter';
import { WebhooksApiGuard } from './webhooks-api.guard';
import { DEFAULT_WEBHOOKS_API_PATH, WEBHOOKS_API_HOST_GUARDS, WEBHOOKS_API_OPTIONS, type WebhooksApiModuleOptions } from './webhooks-api.options';

/**
 * The management REST API (endpoints, events, deliveries, statistics), mounted under
 * `path` only when the host imports it. Every route runs the host's guards, then resolves
 * the tenant; everything it reads or changes is that tenant's.
 *
 * With `dashboard: true` it also serves the web dashboard at `<path>/dashboard`, and with
 * `portal` the `WebhooksPortal` service (exported) mints tenant-scoped links to it.
 *
 * It uses the services of `WebhooksModule`, which the host imports separately (global by
 * default; with `isGlobal: false` the API cannot reach them).
 *
 * @publicApi
 */
@Module({})
export class WebhooksApiModule {
  static forRoot(options: WebhooksApiModuleOptions): DynamicModule {
    const guards = options.guards ?? [];
    return {
      module: WebhooksApiModule,
      imports: [...(options.imports ?? []), RouterModule.register([{ path: options.path ?? DEFAULT_WEBHOOKS_API_PATH, module: WebhooksApiModule }])],
      controllers: [EndpointsController, EventsController, DeliveriesController, MonitoringController, ...(options.dashboard ? [DashboardController] : [])],
      providers: [
        { provide: WEBHOOKS_API_OPTIONS, useValue: options },
        ...guards,
        { provide: WEBHOOKS_API_HOST_GUARDS, inject: guards, useFactory: (...instances: unknown[]) => instances },
        WebhooksApiGuard,
        WebhooksApiExceptionFilter,
        DeliveryExportReader,
        DeliveryExportSlots,
        DeliveryStatsQueries,
        DeliveryTimeseriesQueries,
        AttemptTimeseriesQueries,
        EndpointStatsQueries,
        WebhooksPortal,
      ],
      exports: [WebhooksPortal],
    };
  }
}
