import { BullModule } from '@nestjs/bull';
import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_QUEUE } from './webhooks.constants';
import {
  ConfigurableWebhooksModule,
  WEBHOOKS_ASYNC_OPTIONS_TYPE,
  WEBHOOKS_MODULE_OPTIONS,
  WEBHOOKS_OPTIONS_TYPE,
} from './options/webhooks.module-definition';
import { resolveWebhooksOptions, type ResolvedWebhooksOptions } from './options/resolved-options';
import type { WebhooksModuleOptions } from './options/webhooks-options.interface';
import { DecoratedMethodsPublisher } from './publishing/decorated-method.publisher';
import { DomainEventListener } from './publishing/domain-event.listener';
import { EventTypeCatalog } from './publishing/event-type.catalog';
import { OutboxEnqueuer } from './publishing/outbox-enqueuer';
import { PublishFailureCounter } from './publishing/publish-failure.counter';
import { WebhooksService } from './publishing/webhooks.service';
import { WEBHOOK_ENTITIES } from './storage/entities';
import { DeliveriesRepository } from './storage/repositories/deliveries.repository';
import { RetentionCleaner } from './storage/retention/retention-cleaner';
import { DeliveryDispatcher } from './dispatch/delivery-dispatcher';
import { DeliveryReconciler } from './dispatch/delivery.reconciler';
import { BullDeliveryDispatcher } from './dispatch/bull/bull-delivery.dispatcher';
import { BullDeliveryProcessor } from './dispatch/bull/bull-delivery.processor';
import { bullQueueOptions } from './dispatch/bull/bull-queue.options';
import { EmbeddedDeliveryDispatcher } from './dispatch/embedded/embedded-delivery.dispatcher';
import { DeliveryWorker } from './delivery/delivery.worker';
import { EndpointHealthTracker } from './delivery/health/endpoint-health.tracker';
import { HostNotifier } from './delivery/health/host-notifier';
import { RateLimiter } from './delivery/rate-limit/rate-limiter';
import { InMemoryRateLimiter } from './delivery/rate-limit/in-memory-rate-limiter';
import { RedisRateLimiter } from './delivery/rate-limit/redis-rate-limiter';
import { WebhookHttpClient } from './delivery/http/webhook-http.client';
import { SecretEncryptionInstaller } from './storage/secrets/secret-encryption.installer';
import { EndpointSecretsReencryptor } from './storage/secrets/endpoint-secrets.reencryptor';
import { WEBHOOKS_DNS_LOOKUP } from './delivery/outbound/host-resolver';
import { EndpointsService } from './management/endpoints.service';
import { WebhooksHealthIndicator } from './operations/health/webhooks.health-indicator';
import { WebhooksMetrics } from './operations/metrics/webhooks.metrics';
import { OperationsQueries } from './operations/operations.queries';
import { WebhookActivity } from './operations/webhook-activity';

const providers: Provider[] = [
  { provide: RESOLVED_WEBHOOKS_OPTIONS, inject: [WEBHOOKS_MODULE_OPTIONS], useFactory: resolveWebhooksOptions },
  SecretEncryptionInstaller,
  EndpointSecretsReencryptor,
  { provide: WEBHOOKS_DNS_LOOKUP, inject: [RESOLVED_WEBHOOKS_OPTIONS], useFactory: (options: ResolvedWebhooksOptions) => options.resolveHost },
  BullDeliveryDispatcher,
  EmbeddedDeliveryDispatcher,
  {
    provide: DeliveryDispatcher,
    inject: [RESOLVED_WEBHOOKS_OPTIONS, BullDeliveryDispatcher, EmbeddedDeliveryDispatcher],
    useFactory: (options: ResolvedWebhooksOptions, bull: BullDeliveryDispatcher, embedded: EmbeddedDeliveryDispatcher) =>
      options.redis !== undefined ? bull : embedded,
  },
  InMemoryRateLimiter,
  RedisRateLimiter,
  {
    provide: RateLimiter,
    inject: [RESOLVED_WEBHOOKS_OPTIONS, RedisRateLimiter, InMemoryRateLimiter],
    useFactory: (options: ResolvedWebhooksOptions, redis: RedisRateLimiter, memory: InMemoryRateLimiter) =>
      options.redis !== undefined ? redis : memory,
  },
  WebhooksService,
  EventTypeCatalog,
  OutboxEnqueuer,
  PublishFailureCounter,
  DecoratedMethodsPublisher,
  DomainEventListener,
  DeliveriesRepository,
  RetentionCleaner,
  DeliveryReconciler,
  BullDeliveryProcessor,
  DeliveryWorker,
  EndpointHealthTracker,
  HostNotifier,
  WebhookHttpClient,
  EndpointsService,
  WebhooksHealthIndicator,
  WebhooksMetrics,
  OperationsQueries,
  WebhookActivity,
];

const exported = [WebhooksService, EndpointsService, EventTypeCatalog, WebhooksHealthIndicator, WebhooksMetrics, DeliveryReconciler, RetentionCleaner, EndpointSecretsReencryptor, RESOLVED_WEBHOOKS_OPTIONS];
/** What the opt-in management API (`WebhooksApiModule`) uses besides the public services. */
const exportedToManagementApi = [DeliveryWorker, DeliveryDispatcher];

/**
 * Sends webhooks from a NestJS app. The host brings `TypeOrmModule.forRoot` (with
 * `WEBHOOK_ENTITIES`) and, for notifications and the domain-event listener,
 * `EventEmitterModule.forRoot`; the module registers its own queue, entities and workers.
 *
 * @publicApi
 */
@Module({})
export class WebhooksModule extends ConfigurableWebhooksModule {
  static override forRoot(options: typeof WEBHOOKS_OPTIONS_TYPE): DynamicModule {
    const queue = BullModule.registerQueue(bullQueueOptions(resolveWebhooksOptions(options), WEBHOOKS_QUEUE));
    return WebhooksModule.withInternals(super.forRoot(options), queue);
  }

  /**
   * Only `useFactory` is supported: the same factory also configures the module's queue.
   */
  static override forRootAsync(options: typeof WEBHOOKS_ASYNC_OPTIONS_TYPE): DynamicModule {
    const factory = options.useFactory;
    if (!factory) throw new Error('WebhooksModule.forRootAsync needs useFactory');
    const queue = BullModule.registerQueueAsync({
      name: WEBHOOKS_QUEUE,
      imports: options.imports,
      inject: options.inject,
      useFactory: async (...args: unknown[]) =>
        bullQueueOptions(resolveWebhooksOptions((await factory(...args)) as WebhooksModuleOptions), WEBHOOKS_QUEUE),
    });
    return WebhooksModule.withInternals(super.forRootAsync(options), queue);
  }

  private static withInternals(base: DynamicModule, queue: DynamicModule): DynamicModule {
    return {
      ...base,
      imports: [...(base.imports ?? []), TypeOrmModule.forFeature(WEBHOOK_ENTITIES), DiscoveryModule, TerminusModule, queue],
      providers: [...(base.providers ?? []), ...providers],
      exports: [...(base.exports ?? []), ...exported, ...exportedToManagementApi, queue],
    };
  }
}
