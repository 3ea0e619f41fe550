import type { DeliveryStatus } from '../storage/entities/delivery.entity';
import type { DeliveryFilter } from '../storage/queries/deliveries.queries';
import type { RetryOutcome } from './actions/delivery-requeuer';
import type { TenantScope } from './endpoint-inputs';
import type { PageOptions } from './page-options';

export type { CancelFilter, CancelledDeliveries } from './actions/delivery-canceller';
export type { RetryOutcome };

/** Which of the tenant's events to list; newest first. */
export interface ListEventsFilter extends TenantScope, PageOptions {
  /** Exact event type. */
  eventType?: string;
  eventId?: string;
  /** The event of this delivery. */
  deliveryId?: string;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** Which of the tenant's deliveries to list (endpoint, event, exact type, status, creation time); newest first. */
export interface ListDeliveriesFilter extends TenantScope, PageOptions, DeliveryFilter {}

export interface ReplayEventOptions extends TenantScope {
  /** Only these of the endpoints that received the event; all of them when absent. */
  endpointIds?: readonly string[];
}

/** The tenant's dead letters created since `since` (up to now), of every endpoint or one, of every type or one. */
export interface RecoverDeliveriesFilter extends TenantScope {
  since: Date;
  endpointId?: string;
  eventType?: string;
}

export interface ReplayResult {
  eventId: string;
  /** New deliveries created, one per endpoint that received the event and can still receive. */
  deliveryCount: number;
}

/** A delivery queued again (`pending`, due now) or cancelled. */
export interface DeliveryChange {
  deliveryId: string;
  status: DeliveryStatus;
}

export interface RetryDeliveriesResult {
  /** Queued again. */
  retried: number;
  /** Refused; see `error` of each. */
  refused: number;
  /** One per delivery, in the order given. */
  data: RetryOutcome[];
}

export interface RecoverResult {
  /** Failed deliveries queued again. */
  count: number;
  /** Failed deliveries left as they are: their endpoint is deleted or disabled. */
  skipped: number;
}
