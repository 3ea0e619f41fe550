import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS } from './webhooks.constants';
import {
  ConfigurableWebhooksModule,
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_MODULE_OPTIONS,
  WEBHOOKS_OPTIONS_TYPE,
} from './options/webhooks.module-definition';
import { resolveWebhooksOptions, type ResolvedWebhooksOptions } from './options/resolved-options';
import { HostEventEmitter } from './common/host-event-emitter';
import { DecoratedMethodsPublisher } from './publishing/decorated-method.publisher';
import { DECORATED_METHOD_PUBLISHER } from './publishing/emits-webhook.decorator';
import { DomainEventListener } from './publishing/domain-event.listener';
import { EventTypeCatalog } from './publishing/event-type.catalog';
import { OutboxEnqueuer } from './publishing/outbox-enqueuer';
import { AmbientTransaction } from './publishing/ambient-transaction';
import { PublishBuffer } from './publishing/publish-buffer';
import { PublishFailureCounter } from './publishing/publish-failure.counter';
import { WebhooksService } from './publishing/webhooks.service';
import { WEBHOOK_ENTITIES } from './storage/entities';
import { WEBHOOKS_DATA_SOURCE, webhooksDataSourceProvider } from './storage/data-source.provider';
import { STORAGE_PROVIDERS } from './storage/storage.providers';
import { RetentionCleaner } from './storage/retention/retention-cleaner';
import { SecretEncryptionInstaller } from './storage/secrets/secret-encryption.installer';
import { EndpointSecretsReencryptor } from './storage/secrets/endpoint-secrets.reencryptor';
import { DISPATCH_PROVIDERS } from './dispatch/dispatch.providers';
import { DeliveryReconciler } from './dispatch/delivery.reconciler';
import { DeliveryWorker } from './delivery/delivery.worker';
import { EndpointHealthTracker } from './delivery/health/endpoint-health.tracker';
import { HostNotifications } from './operations/notifications/host-notifications';
import { WebhookHttpClient } from './delivery/http/webhook-http.client';
import { WEBHOOKS_DNS_LOOKUP } from './common/host-resolver';
import { EndpointsService } from './management/endpoints.service';
import { DeliveriesService } from './management/deliveries.service';
import { DELIVERIES_SERVICE_PROVIDERS, MANAGEMENT_API_SERVICES, SHARED_WITH_MANAGEMENT_API } from './management/management.providers';
import { WebhooksHealthIndicator } from './operations/health/webhooks.health-indicator';
import { WebhooksMetrics } from './operations/metrics/webhooks.metrics';
import { OperationsQueries } from './storage/queries/operations.queries';
import { WebhookActivity } from './common/webhook-activity';
import { WebhookTracing } from './common/webhook-tracing';

const providers: Provider[] = [
  { provide: RESOLVED_WEBHOOKS_OPTIONS, inject: [WEBHOOKS_MODULE_OPTIONS], useFactory: resolveWebhooksOptions },
  SecretEncryptionInstaller,
  EndpointSecretsReencryptor,
  { provide: WEBHOOKS_DNS_LOOKUP, inject: [RESOLVED_WEBHOOKS_OPTIONS], useFactory: (options: ResolvedWebhooksOptions) => options.resolveHost },
  ...DISPATCH_PROVIDERS,
  HostEventEmitter,
  WebhooksService,
  EventTypeCatalog,
  OutboxEnqueuer,
  PublishBuffer,
  AmbientTransaction,
  PublishFailureCounter,
  DecoratedMethodsPublisher,
  { provide: DECORATED_METHOD_PUBLISHER, useExisting: DecoratedMethodsPublisher },
  DomainEventListener,
  ...STORAGE_PROVIDERS,
  RetentionCleaner,
  DeliveryReconciler,
  DeliveryWorker,
  EndpointHealthTracker,
  HostNotifications,
  WebhookHttpClient,
  EndpointsService,
  ...DELIVERIES_SERVICE_PROVIDERS,
  ...MANAGEMENT_API_SERVICES,
  WebhooksHealthIndicator,
  WebhooksMetrics,
  OperationsQueries,
  WebhookActivity,
  WebhookTracing,
];

/** `DECORATED_METHOD_PUBLISHER`: injected into the host's instances with `@EmitsWebhook` methods. */
const exported = [DECORATED_METHOD_PUBLISHER, WebhooksService, EndpointsService, DeliveriesService, EventTypeCatalog, WebhooksHealthIndicator, WebhooksMetrics, DeliveryReconciler, RetentionCleaner, EndpointSecretsReencryptor, RESOLVED_WEBHOOKS_OPTIONS];
/**
 * What the opt-in management API (`WebhooksApiModule`) uses besides the public services. The
 * delivery worker and the dispatcher are not among them: hosts publish and manage through the
 * services, never by driving the worker or the queue.
 */
const exportedToManagementApi = [WEBHOOKS_DATA_SOURCE, ...SHARED_WITH_MANAGEMENT_API];

/**
 * Sends webhooks from a NestJS app. The host brings `TypeOrmModule.forRoot` (with
 * `autoLoadEntities`, or `WEBHOOK_ENTITIES` in its entities) and, for notifications and the
 * domain-event listener, `EventEmitterModule.forRoot`; the module registers its own entities,
 * dispatcher and workers. Optional packages are loaded only for the options that need them.
 *
 * @publicApi
 */
@Module({})
export class WebhooksModule extends ConfigurableWebhooksModule {
  static override forRoot(options: typeof WEBHOOKS_OPTIONS_TYPE): DynamicModule {
    return WebhooksModule.withInternals(super.forRoot(options), options.dataSource);
  }

  static override forRootAsync(options: typeof WEBHOOKS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return WebhooksModule.withInternals(super.forRootAsync(options), options.dataSource);
  }

  private static withInternals(base: DynamicModule, dataSource: string | undefined): DynamicModule {
    return {
      ...base,
      imports: [...(base.imports ?? []), TypeOrmModule.forFeature(WEBHOOK_ENTITIES, dataSource), DiscoveryModule],
      providers: [...(base.providers ?? []), webhooksDataSourceProvider(dataSource), ...providers],
      exports: [...(base.exports ?? []), ...exported, ...exportedToManagementApi],
    };
  }
}
