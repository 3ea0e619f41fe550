import { Injectable } from '@nestjs/common';
import { buildEnvelope } from '../delivery/webhook-request.builder';
import { DeliveriesQueries } from '../storage/queries/deliveries.queries';
import { EndpointsQueries } from '../storage/queries/endpoints.queries';
import { EventsQueries } from '../storage/queries/events.queries';
import { DeliveryCanceller, type CancelFilter, type CancelledDeliveries } from './actions/delivery-canceller';
import { DeliveryRequeuer } from './actions/delivery-requeuer';
import { EventReplayer } from './actions/event-replayer';
import { deliveryDetail, deliveryListItem, eventView, type DeliveryDetail, type DeliveryListItem, type EventDetail, type EventListItem } from './delivery-views';
import type { DeliveryChange, ListDeliveriesFilter, ListEventsFilter, RecoverDeliveriesFilter, RecoverResult, ReplayEventOptions, ReplayResult, RetryDeliveriesResult } from './delivery-inputs';
import type { TenantScope } from './endpoint-inputs';
import { pageLimit, type PageOptions, type Paged } from './page-options';

/**
 * Events and deliveries, read and acted on from the host's code: lists with filters and
 * keyset paging, one event or delivery in full, retry, replay, recovery of dead letters and
 * cancel. The management REST API calls it too, so both answer alike.
 *
 * Every method works on one tenant's rows (`tenantId`; absent or null: the rows published
 * without a tenant). Another tenant's ids answer `NotFoundException`, like ids that do not
 * exist; a state that forbids the action answers `ConflictException`.
 *
 * @publicApi
 */
@Injectable()
export class DeliveriesService {
  constructor(
    private readonly events: EventsQueries,
    private readonly deliveries: DeliveriesQueries,
    private readonly endpoints: EndpointsQueries,
    private readonly requeuer: DeliveryRequeuer,
    private readonly replayer: EventReplayer,
    private readonly canceller: DeliveryCanceller,
  ) {}

  /** Events newest first, without payloads, each with how its deliveries stand. */
  async listEvents(filter: ListEventsFilter = {}): Promise<Paged<EventListItem>> {
    const tenantId = filter.tenantId ?? null;
    const where = { eventType: filter.eventType, eventId: filter.eventId, deliveryId: filter.deliveryId, from: filter.from, to: filter.to };
    const [page, total] = await Promise.all([
      this.events.list(tenantId, where, pageOf(filter)),
      filter.includeTotal ? this.events.count(tenantId, where) : undefined,
    ]);
    const summaries = await this.events.summaries(tenantId, page.data.map((event) => event.id));
    return withTotal({ data: page.data.map((event) => ({ ...eventView(event), deliveries: summaries.get(event.id)! })), nextCursor: page.nextCursor }, total);
  }

  /** One event with its payload and its deliveries (replays included, newest first). */
  async getEvent(id: string, scope: TenantScope = {}): Promise<EventDetail> {
    const tenantId = scope.tenantId ?? null;
    const { event, deliveries } = await this.events.detail(tenantId, id);
    const endpoints = await this.endpoints.byIds(tenantId, deliveries.map((delivery) => delivery.endpointId));
    return { ...eventView(event), data: event.data, deliveries: deliveries.map((delivery) => deliveryListItem(delivery, endpoints)) };
  }

  /**
   * Sends an event again: one new delivery for each endpoint that received it and can still
   * receive (neither deleted nor disabled), or for those of `endpointIds`. Earlier deliveries
   * stay as they were.
   */
  replayEvent(id: string, options: ReplayEventOptions = {}): Promise<ReplayResult> {
    return this.replayer.replay(options.tenantId ?? null, id, options.endpointIds);
  }

  /** Deliveries newest first, each with its endpoint's URL and what holds it. */
  async listDeliveries(filter: ListDeliveriesFilter = {}): Promise<Paged<DeliveryListItem>> {
    const tenantId = filter.tenantId ?? null;
    const where = { endpointId: filter.endpointId, eventId: filter.eventId, eventType: filter.eventType, status: filter.status, from: filter.from, to: filter.to };
    const [page, total] = await Promise.all([
      this.deliveries.list(tenantId, where, pageOf(filter)),
      filter.includeTotal ? this.deliveries.count(tenantId, where) : undefined,
    ]);
    const endpoints = await this.endpoints.byIds(tenantId, page.data.map((delivery) => delivery.endpointId));
    return withTotal({ data: page.data.map((delivery) => deliveryListItem(delivery, endpoints)), nextCursor: page.nextCursor }, total);
  }

  /** One delivery with every attempt and the exact request body it sends (and signs). */
  async getDelivery(id: string, scope: TenantScope = {}): Promise<DeliveryDetail> {
    const tenantId = scope.tenantId ?? null;
    const { delivery, attempts, event } = await this.deliveries.detail(tenantId, id);
    const endpoints = await this.endpoints.byIds(tenantId, [delivery.endpointId]);
    return deliveryDetail(delivery, attempts, event ? buildEnvelope(event) : null, endpoints);
  }

  /**
   * Attempts a delivery again now, whatever its outcome so far; attempt numbers continue.
   * 409 while it is being attempted, or when its endpoint is deleted or disabled.
   */
  async retryDelivery(id: string, scope: TenantScope = {}): Promise<DeliveryChange> {
    const delivery = await this.requeuer.retry(scope.tenantId ?? null, id);
    return { deliveryId: delivery.id, status: delivery.status };
  }

  /** `retryDelivery` for each, in order; a refusal (not found, conflict) is that delivery's outcome. */
  async retryDeliveries(ids: readonly string[], scope: TenantScope = {}): Promise<RetryDeliveriesResult> {
    const data = await this.requeuer.retryEach(scope.tenantId ?? null, ids);
    const retried = data.filter((outcome) => outcome.error === null).length;
    return { retried, refused: data.length - retried, data };
  }

  /** Queues again the endpoint's dead letters created since `since`; 409 when it is disabled. */
  async recoverEndpoint(endpointId: string, since: Date, scope: TenantScope = {}): Promise<{ count: number }> {
    return { count: await this.requeuer.recover(scope.tenantId ?? null, endpointId, since) };
  }

  /** Queues again the dead letters the filter matches; those whose endpoint is deleted or disabled are `skipped`. */
  recoverDeliveries(filter: RecoverDeliveriesFilter): Promise<RecoverResult> {
    return this.requeuer.recoverMatching(filter.tenantId ?? null, { since: filter.since, endpointId: filter.endpointId, eventType: filter.eventType });
  }

  /**
   * Cancels a pending or retrying delivery: it is never sent. 409 while it is being attempted
   * (the attempt goes on and is recorded) and once it succeeded or failed.
   */
  cancelDelivery(id: string, scope: TenantScope = {}): Promise<DeliveryChange> {
    return this.canceller.cancel(scope.tenantId ?? null, id);
  }

  /**
   * Cancels the pending and retrying deliveries of an endpoint or of an event (or of both:
   * that event's for that endpoint). Those being attempted are left to their attempt and counted.
   */
  cancelDeliveries(filter: CancelFilter & TenantScope): Promise<CancelledDeliveries> {
    return this.canceller.cancelMatching(filter.tenantId ?? null, { endpointId: filter.endpointId, eventId: filter.eventId });
  }
}

function pageOf(options: PageOptions): { limit: number; cursor?: string } {
  return { limit: pageLimit(options.limit), cursor: options.cursor };
}

function withTotal<T>(page: Paged<T>, total: number | undefined): Paged<T> {
  return total === undefined ? page : { ...page, total };
}
