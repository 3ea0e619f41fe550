/** Payload of `webhooks.event.published`. */
export interface EventPublishedNotification {
  eventId: string;
  type: string;
  tenantId: string | null;
  /** Deliveries created: one per subscribed endpoint. */
  deliveryCount: number;
}

/** What every delivery notification says about the delivery. */
export interface DeliveryNotification {
  deliveryId: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  tenantId: string | null;
}

/** Payload of `webhooks.delivery.attempted`. */
export interface DeliveryAttemptedNotification extends DeliveryNotification {
  /** 1 for the first attempt. */
  attempt: number;
  /** The HTTP status; null when no response arrived. */
  statusCode: number | null;
  /** Why no response arrived; null with a status. */
  error: string | null;
  /** With `error`: `timeout`, `network`, or `blocked` by the outbound address policy. */
  failure: 'timeout' | 'network' | 'blocked' | null;
  durationMs: number;
  /** What the delivery became. */
  outcome: 'succeeded' | 'retrying' | 'failed';
}

/** Payload of `webhooks.delivery.succeeded`. */
export interface DeliverySucceededNotification extends DeliveryNotification {
  /** Attempts it took, this one included. */
  attempts: number;
  statusCode: number;
  durationMs: number;
}

/** Payload of `webhooks.delivery.retry_scheduled`. */
export interface DeliveryRetryScheduledNotification extends DeliveryNotification {
  /** Attempts made so far. */
  attempts: number;
  nextAttemptAt: Date;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** Payload of `webhooks.delivery.dead_lettered`. */
export interface DeliveryDeadLetteredNotification extends DeliveryNotification {
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
}

/** Payload of `webhooks.delivery.destination_blocked`. */
export interface DestinationBlockedNotification extends DeliveryNotification {
  attempt: number;
  /** Which address was refused and why (no URL: it may hold a secret). */
  reason: string;
}

/** Payload of `webhooks.endpoint.failing`. */
export interface EndpointFailingNotification {
  endpointId: string;
  tenantId: string | null;
  /** The endpoint URL in full, which may be a secret: log `urlForLogs(url)` instead. */
  url: string;
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** Payload of `webhooks.endpoint.disabled`. */
export interface EndpointDisabledNotification {
  endpointId: string;
  tenantId: string | null;
  /** The endpoint URL in full, which may be a secret: log `urlForLogs(url)` instead. */
  url: string;
  reason: string;
}

/** Payload of `webhooks.endpoint.circuit_opened`. */
export interface CircuitOpenedNotification {
  endpointId: string;
  tenantId: string | null;
  consecutiveFailures: number;
  /** Deliveries to the endpoint wait until then; one then probes it. */
  openUntil: Date;
}

/** Payload of `webhooks.endpoint.circuit_closed`. */
export interface CircuitClosedNotification {
  endpointId: string;
  tenantId: string | null;
}

/** Each notification's payload, by name. */
export interface WebhookNotificationPayloads {
  'webhooks.event.published': EventPublishedNotification;
  'webhooks.delivery.attempted': DeliveryAttemptedNotification;
  'webhooks.delivery.succeeded': DeliverySucceededNotification;
  'webhooks.delivery.retry_scheduled': DeliveryRetryScheduledNotification;
  'webhooks.delivery.dead_lettered': DeliveryDeadLetteredNotification;
  'webhooks.delivery.destination_blocked': DestinationBlockedNotification;
  'webhooks.endpoint.failing': EndpointFailingNotification;
  'webhooks.endpoint.disabled': EndpointDisabledNotification;
  'webhooks.endpoint.circuit_opened': CircuitOpenedNotification;
  'webhooks.endpoint.circuit_closed': CircuitClosedNotification;
}
