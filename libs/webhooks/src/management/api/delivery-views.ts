import type { WebhookAttempt } from '../../storage/entities/attempt.entity';
import type { WebhookDelivery } from '../../storage/entities/delivery.entity';
import type { WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { deliveryHoldOf } from '../endpoint-health';
import { AttemptDto, DeliveryDto, type DeliveryDetailDto, type DeliveryListItemDto } from './dto/delivery.dto';

/** A delivery with its endpoint's URL and hold, from the endpoints of the page read once. */
export function deliveryListItem(delivery: WebhookDelivery, endpoints: ReadonlyMap<string, WebhookEndpoint>, now: Date = new Date()): DeliveryListItemDto {
  const endpoint = endpoints.get(delivery.endpointId);
  return { ...DeliveryDto.from(delivery), endpointUrl: endpoint?.url ?? null, heldBecause: deliveryHoldOf(delivery.status, endpoint, now) };
}

export function deliveryDetail(
  delivery: WebhookDelivery,
  attempts: readonly WebhookAttempt[],
  requestBody: string | null,
  endpoints: ReadonlyMap<string, WebhookEndpoint>,
): DeliveryDetailDto {
  return { ...deliveryListItem(delivery, endpoints), requestBody, attempts: attempts.map((attempt) => AttemptDto.from(attempt)) };
}
