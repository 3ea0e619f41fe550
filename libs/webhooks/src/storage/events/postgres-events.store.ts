import type { EntityManager } from 'typeorm';
import type { WebhookEndpoint } from '../entities/endpoint.entity';
import { PreparedStatements } from '../deliveries/prepared-statements';
import { EventsStore, type NewDelivery, type NewEvent } from './events.store';

const INSERT = `WITH event AS (
    INSERT INTO "webhook_events" ("id", "type", "tenantId", "data", "idempotencyKey", "createdAt", "traceContext")
    VALUES ($1::uuid, $2, $3, $4::json, $5, $6, $9::json)
  )
  INSERT INTO "webhook_deliveries" ("id", "eventId", "endpointId", "tenantId", "eventType", "nextAttemptAt", "createdAt", "updatedAt")
  SELECT delivery.id, $1::uuid, delivery."endpointId", $3, $2, $6, $6, $6
  FROM unnest($7::uuid[], $8::uuid[]) AS delivery (id, "endpointId")`;

const SUBSCRIBED = (tenant: 'IS NULL' | '= $1') =>
  `SELECT "id", "eventTypes" FROM "webhook_endpoints" WHERE "tenantId" ${tenant} AND "status" = 'active' AND "deletedAt" IS NULL`;

/**
 * PostgreSQL: the event and its deliveries in one statement (the event in a CTE, the
 * deliveries from two arrays), atomic without a transaction of its own, and the endpoints it
 * fans out to read by hand: the publish hot path, as prepared statements outside a caller's
 * transaction.
 */
export class PostgresEventsStore extends EventsStore {
  private readonly prepared = new PreparedStatements(this.dataSource);

  override subscribedEndpoints(tenantId: string | null, manager?: EntityManager): Promise<Array<Pick<WebhookEndpoint, 'id' | 'eventTypes'>>> {
    return tenantId === null ? this.prepared.rows(SUBSCRIBED('IS NULL'), [], manager) : this.prepared.rows(SUBSCRIBED('= $1'), [tenantId], manager);
  }

  override insert(event: NewEvent, deliveries: readonly NewDelivery[], manager: EntityManager = this.dataSource.manager): Promise<void> {
    return this.insertWith(manager, event, deliveries);
  }

  protected override async insertWith(manager: EntityManager, event: NewEvent, deliveries: readonly NewDelivery[]): Promise<void> {
    await this.prepared.rows(
      INSERT,
      [
        event.id,
        event.type,
        event.tenantId,
        JSON.stringify(event.data),
        event.idempotencyKey,
        event.createdAt,
        deliveries.map((delivery) => delivery.id),
        deliveries.map((delivery) => delivery.endpointId),
        event.traceContext ? JSON.stringify(event.traceContext) : null,
      ],
      manager,
    );
  }
}
