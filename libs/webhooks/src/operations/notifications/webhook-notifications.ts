/**
 * What the pipeline tells the host, step by step: EventEmitter2 event names (`@OnEvent(...)`)
 * and, for tools that subscribe without Nest code, the `node:diagnostics_channel` channel of each.
 */
export const WebhookNotifications = {
  /** An event was stored and fanned out to its deliveries. */
  eventPublished: 'webhooks.event.published',
  /** An attempt was made and recorded, whatever its result. */
  deliveryAttempted: 'webhooks.delivery.attempted',
  /** A delivery was delivered (a 2xx answer). */
  deliverySucceeded: 'webhooks.delivery.succeeded',
  /** An attempt failed and the delivery will be tried again at `nextAttemptAt`. */
  deliveryRetryScheduled: 'webhooks.delivery.retry_scheduled',
  /** A delivery used its last attempt, or failed for good, and is now in the dead-letter queue. */
  deliveryDeadLettered: 'webhooks.delivery.dead_lettered',
  /** An attempt was not sent: the endpoint's address, as resolved when connecting, is one the outbound policy refuses. */
  destinationBlocked: 'webhooks.delivery.destination_blocked',
  /** An endpoint reached one of the configured consecutive-failure thresholds. */
  endpointFailing: 'webhooks.endpoint.failing',
  /** An endpoint was disabled (HTTP 410, or it kept failing). */
  endpointDisabled: 'webhooks.endpoint.disabled',
  /** An endpoint's circuit opened (or opened again after a failed probe): its deliveries wait until `openUntil`. */
  circuitOpened: 'webhooks.endpoint.circuit_opened',
  /** A successful attempt closed an endpoint's open circuit. */
  circuitClosed: 'webhooks.endpoint.circuit_closed',
} as const;

export type WebhookNotificationName = (typeof WebhookNotifications)[keyof typeof WebhookNotifications];

/** The `node:diagnostics_channel` channel of each notification: its name after `webhooks.`, prefixed `nestjs-webhooks:`. */
export const WebhookChannels = {
  eventPublished: 'nestjs-webhooks:event.published',
  deliveryAttempted: 'nestjs-webhooks:delivery.attempted',
  deliverySucceeded: 'nestjs-webhooks:delivery.succeeded',
  deliveryRetryScheduled: 'nestjs-webhooks:delivery.retry_scheduled',
  deliveryDeadLettered: 'nestjs-webhooks:delivery.dead_lettered',
  destinationBlocked: 'nestjs-webhooks:delivery.destination_blocked',
  endpointFailing: 'nestjs-webhooks:endpoint.failing',
  endpointDisabled: 'nestjs-webhooks:endpoint.disabled',
  circuitOpened: 'nestjs-webhooks:endpoint.circuit_opened',
  circuitClosed: 'nestjs-webhooks:endpoint.circuit_closed',
} as const satisfies Record<keyof typeof WebhookNotifications, string>;
