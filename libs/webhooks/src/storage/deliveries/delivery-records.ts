import type { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, type WebhookDelivery } from '../entities/delivery.entity';
import type { WebhookEndpoint } from '../entities/endpoint.entity';
import type { WebhookEvent } from '../entities/event.entity';

/** What one HTTP attempt produced, as the sender saw it. */
export interface AttemptResult {
  /** HTTP status, absent when no response arrived. */
  status?: number;
  /** Lower-cased response headers. */
  headers?: Record<string, string>;
  /** At most the first 10 KB of the response body. */
  body?: string;
  /** Why no usable response arrived: timeout, refused address, connection error. */
  error?: string;
  /** With `error`: a timeout, or any other failure to get a response (`network`, `blocked` by the outbound policy included). */
  failure?: 'timeout' | 'network' | 'blocked';
  durationMs: number;
  startedAt: Date;
}

/** Statuses from which a delivery may be attempted. */
export const ATTEMPTABLE_STATUSES = [DeliveryStatus.Pending, DeliveryStatus.Retrying, DeliveryStatus.Delivering];

/** What an attempt needs of its delivery. */
export const CLAIMED_COLUMNS = ['id', 'eventId', 'endpointId', 'tenantId', 'eventType', 'attemptCount'] as const;

/**
 * A claim's hold on a delivery: the fencing token written with the claim, and until when it
 * holds (renewed while the attempt runs). Every later write of the holder applies only while
 * the delivery still carries its token: a worker whose lease ran out, and which another worker
 * re-claimed, changes nothing.
 */
export interface Lease {
  token: string;
  until: Date;
}

/** A claimed delivery: what its attempt needs, and the token of the claim. */
export type ClaimedDelivery = Pick<WebhookDelivery, (typeof CLAIMED_COLUMNS)[number]> & { leaseToken: string };

/** A claimed delivery and its endpoint (null when the endpoint row is gone). */
export interface Claim {
  delivery: ClaimedDelivery;
  endpoint: WebhookEndpoint | null;
}

/** A claim as the store read it: with the event when it read that too (null: the event is gone). */
export interface ClaimedForAttempt extends Claim {
  event?: WebhookEvent | null;
}

/** A delivery as held by one claim. */
export interface HeldDelivery {
  id: string;
  leaseToken: string;
}

/** What an attempt changes on its delivery. */
export type DeliveryTransition =
  | { status: DeliveryStatus.Succeeded }
  | { status: DeliveryStatus.Retrying; nextAttemptAt: Date }
  | { status: DeliveryStatus.Failed };

/** The columns of a delivery that an attempt changes. */
export type DeliveryChanges = Pick<
  Partial<WebhookDelivery>,
  'status' | 'nextAttemptAt' | 'deliveredAt' | 'completedAt' | 'attemptCount' | 'lastStatusCode' | 'lastError' | 'updatedAt'
>;

export type AttemptRow = Pick<
  WebhookAttempt,
  'id' | 'deliveryId' | 'number' | 'startedAt' | 'durationMs' | 'requestHeaders' | 'responseStatus' | 'responseHeaders' | 'responseBody' | 'error'
>;

/** One attempt to record: its row and what it changes on its delivery. */
export interface AttemptRecord {
  attemptId: string;
  delivery: ClaimedDelivery;
  attempt: AttemptResult & { requestHeaders: Record<string, string> };
  transition: DeliveryTransition;
  now: Date;
}

/** Attempts whose deliveries change alike: one statement records them all. */
export interface AttemptGroup {
  held: HeldDelivery[];
  attempts: AttemptRow[];
  changes: DeliveryChanges;
}

/** Deliveries put back to wait without an attempt, until one time. */
export interface PostponeGroup {
  held: HeldDelivery[];
  until: Date;
  now: Date;
  /** Only while this endpoint's circuit is open. */
  behindCircuitOf: string | null;
}

export function attemptRow({ attemptId, delivery, attempt }: AttemptRecord): AttemptRow {
  return {
    id: attemptId,
    deliveryId: delivery.id,
    number: delivery.attemptCount + 1,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    requestHeaders: attempt.requestHeaders,
    responseStatus: attempt.status ?? null,
    responseHeaders: attempt.headers ?? null,
    responseBody: attempt.body ?? null,
    error: attempt.error ?? null,
  };
}

/** What an attempt changes on its delivery. */
export function deliveryChanges({ delivery, attempt, transition, now }: AttemptRecord): DeliveryChanges {
  const common = {
    attemptCount: delivery.attemptCount + 1,
    lastStatusCode: attempt.status ?? null,
    lastError: attempt.error ?? (attempt.status === undefined || isSuccess(attempt.status) ? null : `HTTP ${attempt.status}`),
    updatedAt: now,
  };
  if (transition.status === DeliveryStatus.Succeeded) {
    return { ...common, status: transition.status, nextAttemptAt: null, deliveredAt: now, completedAt: now };
  }
  if (transition.status === DeliveryStatus.Retrying) return { ...common, status: transition.status, nextAttemptAt: transition.nextAttemptAt };
  return { ...common, status: transition.status, nextAttemptAt: null, completedAt: now };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function held(delivery: ClaimedDelivery): HeldDelivery {
  return { id: delivery.id, leaseToken: delivery.leaseToken };
}
