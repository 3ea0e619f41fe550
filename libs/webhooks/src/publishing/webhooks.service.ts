import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { isUniqueViolation } from '../storage/query-errors';
import { EventsStore, type NewEvent, type StoredEvent } from '../storage/events/events.store';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import type { DueDelivery } from '../common/due-delivery';
import { OutboxEnqueuer } from './outbox-enqueuer';
import { WebhookActivity } from '../common/webhook-activity';
import type { StoredTraceContext } from '../common/trace-context';
import { WebhookTracing } from '../common/webhook-tracing';
import { isValidEventType, matchesAnyEventType, MAX_EVENT_TYPE_LENGTH } from '../common/event-type-pattern';
import { InvalidWebhookEventError, WebhookPayloadTooLargeError } from './publish.errors';

export interface PublishOptions {
  /** Only this tenant's endpoints receive the event. Absent: endpoints without a tenant. */
  tenantId?: string | null;
  /** Publishing again with the same key (per tenant) returns the first event, sends nothing new. */
  idempotencyKey?: string;
  /**
   * The event's id (a UUID), e.g. your own, to retry a publish safely: publishing again with an
   * id already stored returns that event and sends nothing new. Default: a new one.
   */
  eventId?: string;
  /**
   * The caller's `EntityManager` inside a transaction: the event and its deliveries are written
   * in that transaction and queued only after it commits (transactional outbox). A manager
   * outside a transaction is refused: its writes would not wait for anything.
   */
  manager?: EntityManager;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PublishResult {
  /** Null when the module is disabled and nothing was published. */
  eventId: string | null;
  deliveryCount: number;
  /** True when the idempotency key matched an earlier event. */
  duplicate: boolean;
}

/** Publishes events: stores the event, fans it out to subscribed endpoints, queues the deliveries. */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly events: EventsStore,
    private readonly outbox: OutboxEnqueuer,
    private readonly activity: WebhookActivity,
    private readonly tracing: WebhookTracing,
  ) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  async publish(type: string, data: unknown, options: PublishOptions = {}): Promise<PublishResult> {
    if (!this.options.enabled) return { eventId: null, deliveryCount: 0, duplicate: false };
    this.assertPublishable(type, data, options);
    const tenantId = options.tenantId ?? null;
    return this.tracing.publish(type, tenantId, (traceContext) => this.publishValid(type, data, options, tenantId, traceContext));
  }

  private async publishValid(type: string, data: unknown, options: PublishOptions, tenantId: string | null, traceContext: StoredTraceContext | null): Promise<PublishResult> {
    const eventId = options.eventId ?? randomUUID();
    const write = (manager?: EntityManager) => this.store(manager, { id: eventId, type, data, tenantId, idempotencyKey: options.idempotencyKey ?? null, traceContext });

    if (options.manager) {
      const { result, due } = await write(options.manager);
      this.outbox.enqueueAfterCommit(options.manager, due);
      return this.reportPublished(result, type, tenantId);
    }
    try {
      const { result, due } = await write();
      await this.outbox.enqueueNow(due);
      return this.reportPublished(result, type, tenantId);
    } catch (error) {
      if (isUniqueViolation(error)) {
        // A concurrent publish with the same key, or an earlier one with the same id, won the unique index: a duplicate.
        const existing = options.idempotencyKey ? await this.events.findByIdempotencyKey(tenantId, options.idempotencyKey) : await this.events.findById(eventId);
        if (existing) return duplicateOf(existing);
      }
      throw error;
    }
  }

  private reportPublished(result: PublishResult, type: string, tenantId: string | null): PublishResult {
    if (!result.duplicate && result.eventId) {
      this.activity.emit('published', { eventId: result.eventId, type, tenantId, deliveryCount: result.deliveryCount });
    }
    return result;
  }

  private async store(
    manager: EntityManager | undefined,
    { id: eventId, type, data, tenantId, idempotencyKey, traceContext }: Omit<NewEvent, 'data' | 'createdAt'> & { data: unknown },
  ): Promise<{ result: PublishResult; due: DueDelivery[] }> {
    if (idempotencyKey) {
      const existing = await this.events.findByIdempotencyKey(tenantId, idempotencyKey, manager);
      if (existing) return { result: duplicateOf(existing), due: [] };
    }
    const now = new Date();
    const deliveries = (await this.events.subscribedEndpoints(tenantId, manager))
      .filter((endpoint) => matchesAnyEventType(endpoint.eventTypes, type))
      .map((endpoint) => ({ id: randomUUID(), endpointId: endpoint.id }));
    // An event without data (a void method) carries an empty object.
    await this.events.insert({ id: eventId, type, tenantId, data: (data ?? {}) as object, idempotencyKey, traceContext, createdAt: now }, deliveries, manager);
    const due = deliveries.map((delivery) => ({ id: delivery.id, runAt: now }));
    return { result: { eventId, deliveryCount: deliveries.length, duplicate: false }, due };
  }

  private assertPublishable(type: string, data: unknown, options: PublishOptions): void {
    if (options.manager && !options.manager.queryRunner?.isTransactionActive) {
      throw new Error('publish: `manager` is not in a transaction; pass the EntityManager your transaction callback receives (or none)');
    }
    if (!isValidEventType(type)) {
      throw new InvalidWebhookEventError(`type must be dot-separated words (e.g. "invoice.paid"), at most ${MAX_EVENT_TYPE_LENGTH} characters`);
    }
    if (options.eventId !== undefined && !UUID.test(options.eventId)) throw new InvalidWebhookEventError('eventId must be a UUID');
    if (options.idempotencyKey !== undefined && (options.idempotencyKey.length === 0 || options.idempotencyKey.length > 255)) {
      throw new InvalidWebhookEventError('idempotencyKey must be 1 to 255 characters');
    }
    if (options.tenantId && options.tenantId.length > 255) {
      throw new InvalidWebhookEventError('tenantId must be at most 255 characters');
    }
    let serialized: string | undefined;
    try {
      serialized = JSON.stringify(data ?? null);
    } catch {
      throw new InvalidWebhookEventError('data must be serializable to JSON');
    }
    const size = Buffer.byteLength(serialized ?? '', 'utf8');
    if (size > this.options.maxPayloadBytes) {
      throw new WebhookPayloadTooLargeError(`data is ${size} bytes, more than the ${this.options.maxPayloadBytes} bytes allowed`);
    }
  }
}

function duplicateOf(stored: StoredEvent): PublishResult {
  return { ...stored, duplicate: true };
}
