import { Injectable } from '@nestjs/common';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import type { StatsWindow } from './delivery-stats.queries';
import { parseStoredDate } from './stored-date';
import { TenantScopedQueries } from './tenant-scoped.queries';

export type DeliveryCounts = Record<DeliveryStatus, number> & { total: number };

export interface EndpointWaiting {
  /** Pending or retrying deliveries, whatever their age. */
  waiting: number;
  /** The earliest time one of them is due. */
  nextAttemptAt: Date | null;
}

/**
 * Per-endpoint figures for many endpoints at once, as the endpoint list shows them: two
 * grouped reads, whatever the number of endpoints (each answered from the
 * `endpointId, createdAt` index), instead of one statistics request per row.
 */
@Injectable()
export class EndpointStatsQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  /** Deliveries created in the window, by endpoint and status. */
  async countsByEndpoint(tenantId: string, endpointIds: readonly string[], window: StatsWindow): Promise<Map<string, DeliveryCounts>> {
    const rows = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .select('d.endpointId', 'endpointId')
      .addSelect('d.status', 'status')
      .addSelect('COUNT(*)', 'count')
      .andWhere('d.endpointId IN (:...endpointIds)', { endpointIds })
      .andWhere('d.createdAt >= :windowFrom AND d.createdAt <= :windowTo', { windowFrom: window.from, windowTo: window.to })
      .groupBy('d.endpointId')
      .addGroupBy('d.status')
      .getRawMany<{ endpointId: string; status: DeliveryStatus; count: unknown }>();
    const counts = new Map(endpointIds.map((id) => [id, emptyCounts()]));
    for (const row of rows) {
      const endpointCounts = counts.get(row.endpointId);
      if (!endpointCounts) continue;
      endpointCounts[row.status] = Number(row.count);
      endpointCounts.total += Number(row.count);
    }
    return counts;
  }

  /** What still waits for each endpoint, and when the next of it is due. */
  async waitingByEndpoint(tenantId: string, endpointIds: readonly string[]): Promise<Map<string, EndpointWaiting>> {
    const rows = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .select('d.endpointId', 'endpointId')
      .addSelect('COUNT(*)', 'waiting')
      .addSelect('MIN(d.nextAttemptAt)', 'nextAttemptAt')
      .andWhere('d.endpointId IN (:...endpointIds)', { endpointIds })
      .andWhere('d.status IN (:...waitingStatuses)', { waitingStatuses: [DeliveryStatus.Pending, DeliveryStatus.Retrying] })
      .groupBy('d.endpointId')
      .getRawMany<{ endpointId: string; waiting: unknown; nextAttemptAt: unknown }>();
    const waiting = new Map<string, EndpointWaiting>(endpointIds.map((id) => [id, { waiting: 0, nextAttemptAt: null }]));
    for (const row of rows) waiting.set(row.endpointId, { waiting: Number(row.waiting), nextAttemptAt: parseStoredDate(row.nextAttemptAt) });
    return waiting;
  }
}

function emptyCounts(): DeliveryCounts {
  return { total: 0, ...Object.fromEntries(Object.values(DeliveryStatus).map((status) => [status, 0])) } as DeliveryCounts;
}
