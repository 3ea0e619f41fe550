import { IsNull, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { TransactionRunner } from '../dialect/transaction-runner';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import type { StoredTraceContext } from '../../common/trace-context';

/** A new event as published; its deliveries are pending and due at `createdAt`. */
export interface NewEvent {
  id: string;
  type: string;
  tenantId: string | null;
  data: object;
  idempotencyKey: string | null;
  /** The publisher's trace context, sent with every attempt. */
  traceContext?: StoredTraceContext | null;
  createdAt: Date;
}

export interface NewDelivery {
  id: string;
  endpointId: string;
}

/** An event already stored, as publish answers for it. */
export interface StoredEvent {
  eventId: string;
  deliveryCount: number;
}

const INSERT_CHUNK = 500;

/**
 * Publishing's statements: an event and its deliveries written all or nothing, what an event
 * fans out to, and earlier events found again (idempotency key, event id). Each method takes
 * the caller's `EntityManager` when it writes in the caller's transaction. This implementation
 * is TypeORM's, for MySQL/MariaDB and SQLite; PostgreSQL's writes in one statement.
 */
export class EventsStore {
  constructor(
    protected readonly dataSource: DataSource,
    protected readonly transactions: TransactionRunner,
  ) {}

  /** Writes the event and its deliveries, all or nothing: in `manager`'s transaction, or in one of its own. */
  insert(event: NewEvent, deliveries: readonly NewDelivery[], manager?: EntityManager): Promise<void> {
    return manager ? this.insertWith(manager, event, deliveries) : this.transactions.run((own) => this.insertWith(own, event, deliveries));
  }

  /** The active endpoints of a tenant (null: those without one), with what they subscribe to. */
  subscribedEndpoints(tenantId: string | null, manager: EntityManager = this.dataSource.manager): Promise<Array<Pick<WebhookEndpoint, 'id' | 'eventTypes'>>> {
    return manager.find(WebhookEndpoint, { select: { id: true, eventTypes: true }, where: { tenantId: tenantId ?? IsNull(), status: EndpointStatus.Active } });
  }

  findByIdempotencyKey(tenantId: string | null, idempotencyKey: string, manager?: EntityManager): Promise<StoredEvent | null> {
    return this.findExisting({ tenantId: tenantId ?? IsNull(), idempotencyKey }, manager);
  }

  findById(eventId: string, manager?: EntityManager): Promise<StoredEvent | null> {
    return this.findExisting({ id: eventId }, manager);
  }

  protected async insertWith(manager: EntityManager, event: NewEvent, deliveries: readonly NewDelivery[]): Promise<void> {
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

  private async findExisting(where: FindOptionsWhere<WebhookEvent>, manager: EntityManager = this.dataSource.manager): Promise<StoredEvent | null> {
    const event = await manager.findOne(WebhookEvent, { select: { id: true }, where });
    if (!event) return null;
    return { eventId: event.id, deliveryCount: await manager.count(WebhookDelivery, { where: { eventId: event.id } }) };
  }
}
