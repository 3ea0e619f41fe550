/** Name of the Bull queue the library registers for delivery jobs. */
export const WEBHOOKS_QUEUE = 'webhooks:deliveries';

/** Injection token of the fully resolved options (defaults applied). */
export const RESOLVED_WEBHOOKS_OPTIONS = 'WEBHOOKS:RESOLVED_OPTIONS';

/** Names of the EventEmitter2 events the library emits towards the host. */
export const WebhookNotifications = {
  /** An endpoint reached one of the configured consecutive-failure thresholds. */
  endpointFailing: 'webhooks.endpoint.failing',
  /** An endpoint was disabled (HTTP 410, or it kept failing). */
  endpointDisabled: 'webhooks.endpoint.disabled',
  /** A delivery used its last attempt and is now in the dead-letter queue. */
  deliveryDeadLettered: 'webhooks.delivery.dead_lettered',
} as const;
