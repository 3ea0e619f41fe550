import type { SelectQueryBuilder } from 'typeorm';
import { WebhookAttempt } from '../entities/attempt.entity';
import { WebhookDelivery } from '../entities/delivery.entity';
import type { TenantScopedQueries } from './tenant-scoped.queries';

/** The time window (and the endpoint, when it names one) that statistics and charts read. */
export interface StatsWindow {
  from: Date;
  to: Date;
  /** Only this endpoint's deliveries. */
  endpointId?: string;
}

/** Whether a window's end belongs to it: the whole window and its last bucket yes, other buckets no. */
type End = 'inclusive' | 'exclusive';

function windowed(scoped: TenantScopedQueries, tenantId: string, window: StatsWindow, column: 'd.createdAt' | 'a.startedAt', end: End, withAttempts: boolean): SelectQueryBuilder<WebhookDelivery> {
  const query = scoped.select(WebhookDelivery, 'd', tenantId);
  // Attempts carry no tenant: they are the tenant's through their delivery.
  if (withAttempts) query.innerJoin(WebhookAttempt, 'a', 'a.deliveryId = d.id');
  query.andWhere(`${column} >= :windowFrom`, { windowFrom: window.from }).andWhere(end === 'inclusive' ? `${column} <= :windowTo` : `${column} < :windowTo`, { windowTo: window.to });
  if (window.endpointId) query.andWhere('d.endpointId = :windowEndpointId', { windowEndpointId: window.endpointId });
  return query;
}

/** The tenant's deliveries created in the window. */
export function deliveriesCreatedIn(scoped: TenantScopedQueries, tenantId: string, window: StatsWindow): SelectQueryBuilder<WebhookDelivery> {
  return windowed(scoped, tenantId, window, 'd.createdAt', 'inclusive', false);
}

/** The attempts (`a`) of the tenant's deliveries created in the window. */
export function attemptsOfDeliveriesCreatedIn(scoped: TenantScopedQueries, tenantId: string, window: StatsWindow, end: End = 'inclusive'): SelectQueryBuilder<WebhookDelivery> {
  return windowed(scoped, tenantId, window, 'd.createdAt', end, true);
}

/** The tenant's attempts (`a`) started in the window. */
export function attemptsStartedIn(scoped: TenantScopedQueries, tenantId: string, window: StatsWindow, end: End = 'inclusive'): SelectQueryBuilder<WebhookDelivery> {
  return windowed(scoped, tenantId, window, 'a.startedAt', end, true);
}

/** The duration of the attempt at this rank, shortest first: a nearest-rank percentile read as one row. */
export async function durationAtRank(attempts: SelectQueryBuilder<WebhookDelivery>, rank: number): Promise<number | null> {
  const row = await attempts.select('a.durationMs', 'durationMs').orderBy('a.durationMs', 'ASC').offset(rank - 1).limit(1).getRawOne<{ durationMs: unknown }>();
  return row ? Number(row.durationMs) : null;
}
