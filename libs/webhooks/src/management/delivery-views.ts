import type { WebhookAttempt } from '../storage/entities/attempt.entity';
import type { JsonValue } from '../storage/entities/column-types';
import type { DeliveryStatus, WebhookDelivery } from '../storage/entities/delivery.entity';
import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';
import type { WebhookEvent } from '../storage/entities/event.entity';
import type { DeliverySummary } from '../storage/queries/events.queries';
import { deliveryHoldOf, type DeliveryHold } from './endpoint-health';

export type { DeliverySummary } from '../storage/queries/events.queries';

/** A delivery: one event bound for one endpoint, with its status and schedule. */
export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  endpointId: string;
  status: DeliveryStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A delivery as lists show it: with where it goes and what holds it. */
export interface DeliveryListItem extends DeliveryView {
  /** URL of its endpoint (deleted endpoints included); null when the endpoint row is gone. */
  endpointUrl: string | null;
  /** A pending or retrying delivery its endpoint holds now (open circuit, paused). */
  heldBecause: DeliveryHold | null;
}

/** One HTTP attempt of a delivery. */
export interface DeliveryAttempt {
  id: string;
  /** 1 for the first attempt. */
  number: number;
  startedAt: Date;
  durationMs: number;
  /** As sent; credential-like custom headers redacted. */
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  /** At most the first 10 KB. */
  responseBody: string | null;
  error: string | null;
}

export interface DeliveryDetail extends DeliveryListItem {
  /** The exact body every attempt sends (and signs); null once retention removed the event. */
  requestBody: string | null;
  /** Every attempt, first to last. */
  attempts: DeliveryAttempt[];
}

/** An event without its payload. */
export interface EventView {
  id: string;
  type: string;
  idempotencyKey: string | null;
  createdAt: Date;
}

export interface EventListItem extends EventView {
  /** How its deliveries stand, replays included. */
  deliveries: DeliverySummary;
}

export interface EventDetail extends EventView {
  data: JsonValue;
  /** One per endpoint it was sent to, replays included, newest first. */
  deliveries: DeliveryListItem[];
}

export function deliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    endpointId: delivery.endpointId,
    status: delivery.status,
    attemptCount: delivery.attemptCount,
    nextAttemptAt: delivery.nextAttemptAt,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    deliveredAt: delivery.deliveredAt,
    completedAt: delivery.completedAt,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

/** A delivery with its endpoint's URL and hold, from the endpoints of the page read once. */
export function deliveryListItem(delivery: WebhookDelivery, endpoints: ReadonlyMap<string, WebhookEndpoint>, now: Date = new Date()): DeliveryListItem {
  const endpoint = endpoints.get(delivery.endpointId);
  return { ...deliveryView(delivery), endpointUrl: endpoint?.url ?? null, heldBecause: deliveryHoldOf(delivery.status, endpoint, now) };
}

export function deliveryDetail(
  delivery: WebhookDelivery,
  attempts: readonly WebhookAttempt[],
  requestBody: string | null,
  endpoints: ReadonlyMap<string, WebhookEndpoint>,
): DeliveryDetail {
  return { ...deliveryListItem(delivery, endpoints), requestBody, attempts: attempts.map(attemptView) };
}

function attemptView(attempt: WebhookAttempt): DeliveryAttempt {
  return {
    id: attempt.id,
    number: attempt.number,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    requestHeaders: attempt.requestHeaders,
    responseStatus: attempt.responseStatus,
    responseHeaders: attempt.responseHeaders,
    responseBody: attempt.responseBody,
    error: attempt.error,
  };
}

export function eventView(event: WebhookEvent): EventView {
  return { id: event.id, type: event.type, idempotencyKey: event.idempotencyKey, createdAt: event.createdAt };
}
