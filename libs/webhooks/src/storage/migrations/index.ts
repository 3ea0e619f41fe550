import { WebhooksInitialSchema1763900000000 } from './1763900000000-webhooks-initial-schema.migration';
import { WebhooksEndpointUrlKey1764600000000 } from './1764600000000-webhooks-endpoint-url-key.migration';
import { WebhooksDeliveryLeaseToken1764700000000 } from './1764700000000-webhooks-delivery-lease-token.migration';
import { WebhooksRetryOnAndTraceContext1764800000000 } from './1764800000000-webhooks-retry-on-and-trace-context.migration';
import { WebhooksPartialDeliveryIndexes1764900000000 } from './1764900000000-webhooks-partial-delivery-indexes.migration';

export { WebhooksInitialSchema1763900000000, WebhooksEndpointUrlKey1764600000000, WebhooksDeliveryLeaseToken1764700000000, WebhooksRetryOnAndTraceContext1764800000000, WebhooksPartialDeliveryIndexes1764900000000 };

/** Every migration of the library, in order, to list in the host's DataSource `migrations`. */
export const WEBHOOK_MIGRATIONS = [WebhooksInitialSchema1763900000000, WebhooksEndpointUrlKey1764600000000, WebhooksDeliveryLeaseToken1764700000000, WebhooksRetryOnAndTraceContext1764800000000, WebhooksPartialDeliveryIndexes1764900000000];
