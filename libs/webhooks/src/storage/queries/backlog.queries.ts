import { Injectable } from '@nestjs/common';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { ATTEMPTABLE_STATUSES } from '../deliveries/delivery-records';
import { parseStoredDate } from './stored-date';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface Backlog {
  due: number;
  oldestDueAgeMs: number | null;
  waiting: number;
  retrying: number;
  heldByCircuit: number;
  heldByPause: number;
  openCircuits: number;
  nextAttemptAt: Date | null;
}

const WAITING_STATUSES = [DeliveryStatus.Pending, DeliveryStatus.Retrying];

/** The tenant's backlog in the database: what is due, what waits, and what holds it. */
@Injectable()
export class BacklogQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  async backlog(tenantId: string, now: Date = new Date()): Promise<Backlog> {
    const [due, waiting, openCircuits] = await Promise.all([this.due(tenantId, now), this.waiting(tenantId, now), this.openCircuits(tenantId, now)]);
    return { ...due, ...waiting, openCircuits };
  }

  private async due(tenantId: string, now: Date): Promise<Pick<Backlog, 'due' | 'oldestDueAgeMs'>> {
    const row = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .select('COUNT(*)', 'due')
      .addSelect('MIN(d.nextAttemptAt)', 'oldest')
      .andWhere('d.status IN (:...attemptable)', { attemptable: ATTEMPTABLE_STATUSES })
      .andWhere('d.nextAttemptAt <= :now', { now })
      .getRawOne<{ due: unknown; oldest: unknown }>();
    const due = Number(row?.due ?? 0);
    const oldest = parseStoredDate(row?.oldest);
    return { due, oldestDueAgeMs: due > 0 && oldest ? Math.max(0, now.getTime() - oldest.getTime()) : null };
  }

  /**
   * Everything still to send, with what holds it: one pass over the waiting deliveries (the
   * `status, nextAttemptAt` index), joined to their endpoints.
   */
  private async waiting(tenantId: string, now: Date): Promise<Omit<Backlog, 'due' | 'oldestDueAgeMs' | 'openCircuits'>> {
    const row = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpointId')
      .select('COUNT(*)', 'waiting')
      .addSelect('SUM(CASE WHEN d.status = :retryingStatus THEN 1 ELSE 0 END)', 'retrying')
      .addSelect('SUM(CASE WHEN e.status <> :pausedStatus AND e.circuitOpenUntil > :now THEN 1 ELSE 0 END)', 'heldByCircuit')
      .addSelect('SUM(CASE WHEN e.status = :pausedStatus THEN 1 ELSE 0 END)', 'heldByPause')
      .addSelect('MIN(CASE WHEN d.nextAttemptAt > :now THEN d.nextAttemptAt END)', 'nextAttemptAt')
      .andWhere('d.status IN (:...waitingStatuses)', { waitingStatuses: WAITING_STATUSES })
      .setParameters({ retryingStatus: DeliveryStatus.Retrying, pausedStatus: EndpointStatus.Paused, now })
      .getRawOne<{ waiting: unknown; retrying: unknown; heldByCircuit: unknown; heldByPause: unknown; nextAttemptAt: unknown }>();
    return {
      waiting: Number(row?.waiting ?? 0),
      retrying: Number(row?.retrying ?? 0),
      heldByCircuit: Number(row?.heldByCircuit ?? 0),
      heldByPause: Number(row?.heldByPause ?? 0),
      nextAttemptAt: parseStoredDate(row?.nextAttemptAt),
    };
  }

  private openCircuits(tenantId: string, now: Date): Promise<number> {
    return this.scoped.select(WebhookEndpoint, 'e', tenantId).andWhere('e.status = :active', { active: EndpointStatus.Active }).andWhere('e.circuitOpenUntil > :now', { now }).getCount();
  }
}
