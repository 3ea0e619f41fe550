import { WebhookAttempt } from './attempt.entity';
import { WebhookDelivery } from './delivery.entity';
import { WebhookEndpoint } from './endpoint.entity';
import { WebhookEvent } from './event.entity';

export { WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent };
export { DeliveryStatus } from './delivery.entity';
export { EndpointStatus, type PreviousSecret } from './endpoint.entity';

/** Every entity of the library, to list in the host's `TypeOrmModule.forRoot({ entities })`. */
export const WEBHOOK_ENTITIES = [WebhookEndpoint, WebhookEvent, WebhookDelivery, WebhookAttempt];
