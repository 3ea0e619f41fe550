import { Injectable } from '@nestjs/common';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { matchesAnyEventType } from '../../common/event-type-pattern';
import type { EndpointStatus } from '../entities/endpoint.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { afterCursor, decodeCursor, encodeCursor, type Page } from './keyset-page';
import { containsPattern, LIKE_ESCAPE } from './like-pattern';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface EndpointListFilter {
  status?: EndpointStatus;
  /** Endpoints whose subscriptions match this type. */
  eventType?: string;
  /** Part of the URL or the description (any case), or the endpoint's id. */
  search?: string;
}

const SCAN_BATCH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    const found: WebhookEndpoint[] = [];
    let position = page.cursor === undefined ? null : decodeCursor(page.cursor);
    for (;;) {
      const batchSize = filter.eventType ? SCAN_BATCH : page.limit + 1;
      const batch = await afterCursor(this.filtered(tenantId, filter), 'endpoint', position).take(batchSize).getMany();
      found.push(...batch.filter((endpoint) => matchesFilter(endpoint, filter)));
      if (found.length > page.limit || batch.length < batchSize) break;
      position = batch[batch.length - 1];
    }
    const data = found.slice(0, page.limit);
    return { data, nextCursor: found.length > page.limit ? encodeCursor(data[data.length - 1]) : null };
  }

  /** How many endpoints the filter matches, on every page. The tenant's endpoints are few (`maxEndpointsPerTenant`). */
  async count(tenantId: string, filter: EndpointListFilter): Promise<number> {
    if (!filter.eventType) return this.filtered(tenantId, filter).getCount();
    const subscriptions = await this.filtered(tenantId, filter).select(['endpoint.id', 'endpoint.eventTypes']).getMany();
    return subscriptions.filter((endpoint) => matchesFilter(endpoint, filter)).length;
  }

  /** The tenant's endpoints with these ids, deleted ones included (what older deliveries were for). */
  async byIds(tenantId: string | null, ids: readonly string[]): Promise<Map<string, WebhookEndpoint>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const endpoints = await this.scoped.select(WebhookEndpoint, 'endpoint', tenantId).withDeleted().andWhere('endpoint.id IN (:...ids)', { ids: unique }).getMany();
    return new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
  }

  private filtered(tenantId: string, filter: EndpointListFilter): SelectQueryBuilder<WebhookEndpoint> {
    const query = this.scoped.select(WebhookEndpoint, 'endpoint', tenantId);
    if (filter.status) query.andWhere('endpoint.status = :status', { status: filter.status });
    const search = filter.search?.trim();
    if (search) {
      query.andWhere(
        new Brackets((inner) => {
          const pattern = { searchPattern: containsPattern(search.toLowerCase()) };
          inner.where(`LOWER(endpoint.url) LIKE :searchPattern ESCAPE '${LIKE_ESCAPE}'`, pattern).orWhere(`LOWER(endpoint.description) LIKE :searchPattern ESCAPE '${LIKE_ESCAPE}'`, pattern);
          if (UUID.test(search)) inner.orWhere('endpoint.id = :searchId', { searchId: search.toLowerCase() });
        }),
      );
    }
    return query;
  }
}

function matchesFilter(endpoint: Pick<WebhookEndpoint, 'eventTypes'>, filter: EndpointListFilter): boolean {
  return !filter.eventType || matchesAnyEventType(endpoint.eventTypes, filter.eventType);
}
