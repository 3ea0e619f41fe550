import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../data-source.provider';
import { DataSource, IsNull, type EntityManager, type FindOptionsWhere, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder, type UpdateQueryBuilder } from 'typeorm';
import type { WebhookDelivery } from '../entities/delivery.entity';
import type { WebhookEndpoint } from '../entities/endpoint.entity';
import type { WebhookEvent } from '../entities/event.entity';

/** The entities that carry a `tenantId`; attempts are reached through their delivery. */
export type TenantOwned = WebhookEndpoint | WebhookEvent | WebhookDelivery;

/**
 * Tenant isolation of the management API, in one place: every query the API runs starts
 * here, with the tenant condition already in it. Callers add theirs with `andWhere` (never
 * `where`, which would replace it), and must not use the parameter name `scopeTenantId`.
 * For updates, add conditions as objects (`andWhere({ id })`), which TypeORM escapes.
 * Another tenant's rows are invisible, so they answer 404 like rows that do not exist. The
 * tenant `null` is the rows published without one (a host with a single tenant).
 */
@Injectable()
export class TenantScopedQueries {
  constructor(@InjectWebhooksDataSource() private readonly dataSource: DataSource) {}

  /** SELECT over the tenant's rows; soft-deleted endpoints are left out. */
  select<T extends TenantOwned>(entity: EntityTarget<T>, alias: string, tenantId: string | null, manager: EntityManager = this.dataSource.manager): SelectQueryBuilder<T> {
    const query = manager.createQueryBuilder<T>(entity, alias);
    return tenantId === null ? query.where(`${alias}.tenantId IS NULL`) : query.where(`${alias}.tenantId = :scopeTenantId`, { scopeTenantId: tenantId });
  }

  /** UPDATE limited to the tenant's rows. */
  update<T extends TenantOwned & ObjectLiteral>(
    entity: EntityTarget<T>,
    tenantId: string | null,
    changes: Parameters<UpdateQueryBuilder<T>['set']>[0],
    manager: EntityManager = this.dataSource.manager,
  ): UpdateQueryBuilder<T> {
    return manager
      .createQueryBuilder()
      .update(entity)
      .set(changes)
      .where({ tenantId: tenantId ?? IsNull() } as FindOptionsWhere<T>);
  }

  /** The tenant's row with this id, or 404. */
  async findOwned<T extends TenantOwned>(entity: EntityTarget<T>, tenantId: string | null, id: string, what: string): Promise<T> {
    const row = await this.select(entity, 'owned', tenantId).andWhere('owned.id = :id', { id }).getOne();
    if (!row) throw new NotFoundException(`${what} ${id} not found`);
    return row;
  }
}
