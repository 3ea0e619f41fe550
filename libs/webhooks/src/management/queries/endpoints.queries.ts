import { Injectable } from '@nestjs/common';
import { matchesAnyEventType } from '../../publishing/event-type-pattern';
import type { EndpointStatus } from '../../storage/entities/endpoint.entity';
import { WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { afterCursor, decodeCursor, encodeCursor, type Page } from './keyset-page';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface EndpointListFilter {
  status?: EndpointStatus;
  /** Endpoints whose subscriptions match this type. */
  eventType?: string;
}

const SCAN_BATCH = 200;

/** Read side of the endpoint list (reads of one endpoint go through EndpointsService). */
@Injectable()
export class EndpointsQueries {
  constructor(private readonly scoped: TenantScopedQueries) {}

  /**
   * One page of the tenant's endpoints, newest first. Subscription patterns (`*`,
   * `resource.*`) cannot be matched portably in SQL, so the event type filter scans the
   * tenant's endpoints in batches until the page is full.
   */
  async list(tenantId: string, filter: EndpointListFilter, page: { limit: number; cursor?: string }): Promise<Page<WebhookEndpoint>> {
    const matches = (endpoint: WebhookEndpoint) => !filter.eventType || matchesAnyEventType(endpoint.eventTypes, filter.eventType);
    const found: WebhookEndpoint[] = [];
    let position = page.cursor === undefined ? null : decodeCursor(page.cursor);
    for (;;) {
      const query = this.scoped.select(WebhookEndpoint, 'endpoint', tenantId);
      if (filter.status) query.andWhere('endpoint.status = :status', { status: filter.status });
      const batchSize = filter.eventType ? SCAN_BATCH : page.limit + 1;
      const batch = await afterCursor(query, 'endpoint', position).take(batchSize).getMany();
      found.push(...batch.filter(matches));
      if (found.length > page.limit || batch.length < batchSize) break;
      position = batch[batch.length - 1];
    }
    const data = found.slice(0, page.limit);
    return { data, nextCursor: found.length > page.limit ? encodeCursor(data[data.length - 1]) : null };
  }
}
