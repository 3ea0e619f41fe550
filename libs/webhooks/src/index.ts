// The main entry point, `nestjs-webhooks`: the module, publishing, endpoints, storage and operations.
// The management API is `nestjs-webhooks/api`, the receiving side `nestjs-webhooks/receiver`.
// Anything not exported from an entry point is internal.

// Module and options
export { WebhooksModule } from './webhooks.module';
export type {
  WebhooksModuleOptions,
  RetrySchedule,
  RetryDelaysSchedule,
  ExponentialRetrySchedule,
  EventTypeDefinition,
  OutboundPolicyOptions,
  SecretEncryptionOptions,
  SecretEncryptionKey,
  HealthOptions,
  MetricsOptions,
  AttemptFailure,
  RetryOnClass,
  RetryOnList,
  RetryOnRule,
} from './options/webhooks-options.interface';
export { DEFAULT_RETRY_SCHEDULE } from './options/resolved-options';
export { DEFAULT_RETRY_AFTER_STATUSES, DEFAULT_RETRY_ON } from './options/retry-on';

// Publishing
export { EmitsWebhook, type EmitsWebhookOptions } from './publishing/emits-webhook.decorator';
export { WebhooksService, type PublishOptions, type PublishResult } from './publishing/webhooks.service';
export { EventTypeCatalog } from './publishing/event-type.catalog';
export { InvalidWebhookEventError, WebhookPayloadTooLargeError } from './publishing/publish.errors';

// Storage
export {
  WEBHOOK_ENTITIES,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  WebhookAttempt,
  DeliveryStatus,
  EndpointStatus,
} from './storage/entities';
export { WEBHOOK_MIGRATIONS } from './storage/migrations';
export { RetentionCleaner, type RetentionReport } from './storage/retention/retention-cleaner';
export { EndpointSecretsReencryptor, type ReencryptionReport } from './storage/secrets/endpoint-secrets.reencryptor';
export { SecretEncryptionConfigError, StoredSecretError } from './storage/secrets/secret-cipher';

// Dispatch
export { DeliveryReconciler } from './dispatch/delivery.reconciler';

// Delivery
export type { HostResolver } from './common/host-resolver';
export type { WebhookEnvelope } from './common/webhook-envelope';
export { urlForLogs } from './delivery/outbound/endpoint-url';
export { generateWebhookSecret, maskWebhookSecret } from './signing/webhook-secret';
export { generateEd25519SigningKey, publicKeyOf, type Ed25519SigningKeyPair } from './signing/ed25519-signing-key';
export { generateSigningSecret, type SignatureScheme } from './signing/signing-secret';

// Management
export {
  EndpointsService,
  type CreateEndpointInput,
  type UpdateEndpointInput,
  type ListEndpointsFilter,
  type TenantScope,
  type RotateSecretInput,
} from './management/endpoints.service';
export { DeliveriesService } from './management/deliveries.service';
export type * from './management/delivery-inputs';
export type { DeliveryView, DeliveryListItem, DeliveryAttempt, DeliveryDetail, DeliverySummary, EventView, EventListItem, EventDetail } from './management/delivery-views';
export type { Paged, PageOptions } from './management/page-options';
// Operations
export { WebhookNotifications, WebhookChannels, type WebhookNotificationName } from './operations/notifications/webhook-notifications';
export type * from './common/notification-payloads';
export { WebhooksHealthIndicator, type WebhooksHealthDetails } from './operations/health/webhooks.health-indicator';
export type { SuccessRateStatus } from './operations/health/success-rate';
export { WebhooksMetrics } from './operations/metrics/webhooks.metrics';
