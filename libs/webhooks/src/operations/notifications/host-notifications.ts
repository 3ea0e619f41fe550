import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { channel, type Channel } from 'node:diagnostics_channel';
import { HostEventEmitter } from '../../common/host-event-emitter';
import type { WebhookNotificationPayloads } from '../../common/notification-payloads';
import { WebhookActivity, type AttemptActivity } from '../../common/webhook-activity';
import { WebhookChannels, WebhookNotifications, type WebhookNotificationName } from './webhook-notifications';

type NotificationKey = keyof typeof WebhookNotifications;

/** What one attempt can tell: when nobody listens to any of them, nothing is built. */
const ATTEMPT_NOTIFICATIONS: readonly NotificationKey[] = ['deliveryAttempted', 'destinationBlocked', 'deliverySucceeded', 'deliveryRetryScheduled', 'deliveryDeadLettered'];

/**
 * Tells the host each step of the pipeline: its EventEmitter2 (when it has one) and the
 * `node:diagnostics_channel` channels get the same payload. Payloads are only built when
 * someone listens, and a host listener that throws is logged, never thrown into delivery.
 */
@Injectable()
export class HostNotifications implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly channels = Object.fromEntries(Object.entries(WebhookChannels).map(([key, name]) => [key, channel(name)])) as Record<NotificationKey, Channel>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly activity: WebhookActivity,
    private readonly host: HostEventEmitter,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.activity.on('published', (event) => this.tell('eventPublished', () => ({ ...event }))),
      this.activity.on('attempted', (attempt) => this.tellAttempt(attempt)),
      this.activity.on('endpointFailing', (payload) => this.tell('endpointFailing', () => payload)),
      this.activity.on('endpointDisabled', (payload) => this.tell('endpointDisabled', () => payload)),
      this.activity.on('circuitOpened', (payload) => this.tell('circuitOpened', () => payload)),
      this.activity.on('circuitClosed', (payload) => this.tell('circuitClosed', () => payload)),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }

  /** One attempt: `attempted`, then what it means for the delivery. */
  private tellAttempt(attempt: AttemptActivity): void {
    if (!ATTEMPT_NOTIFICATIONS.some((key) => this.listening(key))) return;
    const delivery = { deliveryId: attempt.deliveryId, eventId: attempt.eventId, eventType: attempt.eventType, endpointId: attempt.endpointId, tenantId: attempt.tenantId };
    const statusCode = attempt.status ?? null;
    const error = attempt.error ?? null;
    this.tell('deliveryAttempted', () => ({ ...delivery, attempt: attempt.attempt, statusCode, error, failure: attempt.failure ?? null, durationMs: attempt.durationMs, outcome: attempt.outcome }));
    if (attempt.failure === 'blocked') this.tell('destinationBlocked', () => ({ ...delivery, attempt: attempt.attempt, reason: error ?? 'refused by the outbound address policy' }));
    if (attempt.outcome === 'succeeded') {
      this.tell('deliverySucceeded', () => ({ ...delivery, attempts: attempt.attempt, statusCode: statusCode!, durationMs: attempt.durationMs }));
    } else if (attempt.outcome === 'retrying') {
      this.tell('deliveryRetryScheduled', () => ({ ...delivery, attempts: attempt.attempt, nextAttemptAt: attempt.nextAttemptAt!, lastStatusCode: statusCode, lastError: error }));
    } else {
      this.tell('deliveryDeadLettered', () => ({ ...delivery, attempts: attempt.attempt, lastStatusCode: statusCode, lastError: error }));
    }
  }

  /** Whether a diagnostics channel subscriber or a listener of the host's emitter (`onAny` ones included) would hear it. */
  private listening(key: NotificationKey): boolean {
    const emitter = this.host.emitter;
    return this.channels[key].hasSubscribers || (!!emitter && (Boolean(emitter.hasListeners(WebhookNotifications[key])) || emitter.listenersAny().length > 0));
  }

  private tell<K extends NotificationKey>(key: K, payload: () => WebhookNotificationPayloads[(typeof WebhookNotifications)[K]]): void {
    const name: WebhookNotificationName = WebhookNotifications[key];
    const diagnostics = this.channels[key];
    if (!this.listening(key)) return;
    const built = payload();
    // Subscribers' errors surface as uncaught exceptions (diagnostics_channel's contract), not here.
    if (diagnostics.hasSubscribers) diagnostics.publish(built);
    const emitter = this.host.emitter;
    if (!emitter) return;
    try {
      emitter.emit(name, built);
    } catch (error) {
      this.logger.warn(`a listener of ${name} threw: ${(error as Error).message}`);
    }
  }
}
