/**
 * The JSON body every endpoint receives. Receivers type what they verify with it:
 * `verifyWebhook<WebhookEnvelope<Payment>>(body, headers, secret)`.
 *
 * @publicApi
 */
export interface WebhookEnvelope<T = unknown> {
  /** The event's id, also sent as `webhook-id`: the receiver's idempotency key. */
  id: string;
  /** The event type, e.g. `payment.verified`. */
  type: string;
  /** When the event was published (ISO 8601). */
  timestamp: string;
  /** The payload given to `publish` or returned by the `@EmitsWebhook` method. */
  data: T;
}
