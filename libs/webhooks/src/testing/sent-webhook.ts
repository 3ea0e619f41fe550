import type { OutboundRequest } from '../delivery/http/webhook-http.client';
import type { WebhookEnvelope } from '../common/webhook-envelope';
import type { AttemptResult } from '../storage/deliveries/delivery-records';
import type { WebhookDelivery } from '../storage/entities/delivery.entity';

/** One request the library would have sent, as signed, and what the endpoint answered. */
export interface SentWebhook {
  /** The event's id: the `webhook-id` header and the body's `id`, the same on every retry. */
  eventId: string;
  /** The event type, e.g. `payment.verified`. */
  type: string;
  /** The event's `data`, parsed from the body. */
  data: unknown;
  tenantId: string | null;
  deliveryId: string;
  endpointId: string;
  url: string;
  /** 1 for the first attempt of the delivery, 2 for its first retry… */
  attempt: number;
  /** The exact body, as signed. */
  body: string;
  /** The exact headers, as signed: `webhook-id`, `webhook-timestamp`, `webhook-signature`… */
  headers: Record<string, string>;
  /** The status the endpoint answered; null when it failed without a response (see `error`). */
  status: number | null;
  /** How the request failed without a response (a timeout…), as the attempt records it; else null. */
  error: string | null;
}

export function sentWebhookOf(request: OutboundRequest, delivery: WebhookDelivery, result: AttemptResult): SentWebhook {
  const envelope = JSON.parse(request.body) as WebhookEnvelope;
  return {
    eventId: envelope.id,
    type: envelope.type,
    data: envelope.data,
    tenantId: delivery.tenantId,
    deliveryId: delivery.id,
    endpointId: delivery.endpointId,
    url: request.url,
    // The delivery is read while its attempt is under way: it counts the attempts before this one.
    attempt: delivery.attemptCount + 1,
    body: request.body,
    headers: { ...request.headers },
    status: result.status ?? null,
    error: result.error ?? null,
  };
}
