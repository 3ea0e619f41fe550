import type { EntityManager } from 'typeorm';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEvent } from '../entities/event.entity';
import { isPostgres } from './hot-path.postgres';

/** A new event as published; its deliveries are pending and due at `createdAt`. */
export interface NewEvent {
  id: string;
  type: string;
  tenantId: string | null;
  data: object;
  idempotencyKey: string | null;
  createdAt: Date;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
}

const INSERT_CHUNK = 500;

/**
 * Writes an event and its deliveries, all or nothing. On PostgreSQL it is one statement (the
 * event in a CTE, the deliveries from two arrays), atomic without a transaction of its own:
 * the publish hot path. Elsewhere, inserts in chunks; the caller runs them in a transaction.
 */
export async function insertEventWithDeliveries(manager: EntityManager, event: NewEvent, deliveries: readonly NewDelivery[]): Promise<void> {
  if (isPostgres(manager.connection)) {
    await manager.query(
      `WITH event AS (
         INSERT INTO "webhook_events" ("id", "type", "tenantId", "data", "idempotencyKey", "createdAt")
         VALUES ($1::uuid, $2, $3, $4::json, $5, $6)
       )
       INSERT INTO "webhook_deliveries" ("id", "eventId", "endpointId", "tenantId", "eventType", "nextAttemptAt", "createdAt", "updatedAt")
       SELECT delivery.id, $1::uuid, delivery."endpointId", $3, $2, $6, $6, $6
       FROM unnest($7::uuid[], $8::uuid[]) AS delivery (id, "endpointId")`,
      [
        event.id,
        event.type,
        event.tenantId,
        JSON.stringify(event.data),
        event.idempotencyKey,
        event.createdAt,
        deliveries.map((delivery) => delivery.id),
        deliveries.map((delivery) => delivery.endpointId),
      ],
    );
    return;
  }
  await manager.insert(WebhookEvent, { ...event });
  const rows = deliveries.map((delivery) => ({
    id: delivery.id,
    eventId: event.id,
    endpointId: delivery.endpointId,
    tenantId: event.tenantId,
    eventType: event.type,
    status: DeliveryStatus.Pending,
    attemptCount: 0,
    nextAttemptAt: event.createdAt,
    createdAt: event.createdAt,
    updatedAt: event.createdAt,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await manager.insert(WebhookDelivery, rows.slice(i, i + INSERT_CHUNK));
}

/** Whether `insertEventWithDeliveries` is atomic on its own (one statement). */
export function insertsEventAtomically(manager: EntityManager): boolean {
  return isPostgres(manager.connection);
}
