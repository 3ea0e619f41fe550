import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { CircuitClosedNotification, CircuitOpenedNotification, EndpointDisabledNotification, EndpointFailingNotification } from './notification-payloads';

/** An event was stored and fanned out. */
export interface EventPublishedActivity {
  eventId: string;
  type: string;
  tenantId: string | null;
  deliveryCount: number;
}

/** One attempt was made and recorded. */
export interface AttemptActivity {
  deliveryId: string;
  eventId: string;
  endpointId: string;
  tenantId: string | null;
  eventType: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** HTTP status, absent when no response arrived. */
  status?: number;
  error?: string;
  /** With `error`: a timeout, a network failure, or an address the outbound policy refused. */
  failure?: 'timeout' | 'network' | 'blocked';
  durationMs: number;
  /** What the delivery became: `succeeded`, `retrying` or `failed`. */
  outcome: 'succeeded' | 'retrying' | 'failed';
  /** With `retrying`: when it is tried again. */
  nextAttemptAt?: Date;
  /** When the event was published, for publish-to-success lag. */
  publishedAt: Date;
}

export interface WebhookActivityEvents {
  published: [EventPublishedActivity];
  attempted: [AttemptActivity];
  publishFailed: [{ type: string }];
  /** An event could not be stored and waits in the publish buffer to be tried again. */
  publishRetried: [{ type: string }];
  /** An event was refused: the publish buffer was full. */
  publishDropped: [{ type: string }];
  /** A worker's write about a delivery changed nothing: its lease had passed to another worker. */
  staleWrite: [{ deliveryId: string }];
  /** A delivery waited without an attempt: open circuit, rate limit or a busy (slow) endpoint. */
  postponed: [{ endpointId: string; reason: 'circuit-open' | 'rate-limited' | 'endpoint-busy' }];
  /** An endpoint reached a failure threshold, was disabled, its circuit opened or closed. */
  endpointFailing: [EndpointFailingNotification];
  endpointDisabled: [EndpointDisabledNotification];
  circuitOpened: [CircuitOpenedNotification];
  circuitClosed: [CircuitClosedNotification];
}

/**
 * In-process stream of what the pipeline does, for the library's own observers (metrics, the
 * host's notifications).
 * Synchronous and cheap; observers must not throw or block.
 */
@Injectable()
export class WebhookActivity {
  private readonly emitter = new EventEmitter<WebhookActivityEvents>();

  emit<K extends keyof WebhookActivityEvents>(name: K, ...payload: WebhookActivityEvents[K]): void {
    this.emitter.emit(name, ...(payload as never));
  }

  on<K extends keyof WebhookActivityEvents>(name: K, listener: (...payload: WebhookActivityEvents[K]) => void): () => void {
    this.emitter.on(name, listener as never);
    return () => this.emitter.off(name, listener as never);
  }
}
