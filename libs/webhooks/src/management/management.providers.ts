import type { Provider } from '@nestjs/common';
import { DeliveriesQueries } from '../storage/queries/deliveries.queries';
import { DeliveryActionsStore } from '../storage/queries/delivery-actions.store';
import { EndpointsQueries } from '../storage/queries/endpoints.queries';
import { BacklogQueries } from '../storage/queries/backlog.queries';
import { EventsQueries } from '../storage/queries/events.queries';
import { FailedDeliveriesQueries } from '../storage/queries/failed-deliveries.queries';
import { TenantScopedQueries } from '../storage/queries/tenant-scoped.queries';
import { DeliveryCanceller } from './actions/delivery-canceller';
import { DeliveryRequeuer } from './actions/delivery-requeuer';
import { EndpointTester } from './actions/endpoint-tester';
import { EventReplayer } from './actions/event-replayer';
import { DeliveriesService } from './deliveries.service';
import { QueueStatusReader } from './queue-status.reader';

/** `DeliveriesService` and what it reads and acts with. */
export const DELIVERIES_SERVICE_PROVIDERS: Provider[] = [
  TenantScopedQueries,
  EventsQueries,
  DeliveriesQueries,
  EndpointsQueries,
  FailedDeliveriesQueries,
  DeliveryActionsStore,
  DeliveryRequeuer,
  EventReplayer,
  DeliveryCanceller,
  DeliveriesService,
];

/**
 * The management API's services that act through the delivery worker and the dispatcher. They
 * live in `WebhooksModule`, next to what they use, so that the worker and the dispatcher stay
 * inside it: the API gets these narrow services, the host's container neither.
 */
export const MANAGEMENT_API_SERVICES: Provider[] = [EndpointTester, BacklogQueries, QueueStatusReader];

/** What the management API uses of them besides the service. */
export const SHARED_WITH_MANAGEMENT_API = [TenantScopedQueries, DeliveriesQueries, EndpointsQueries, DeliveryActionsStore, EndpointTester, QueueStatusReader];
