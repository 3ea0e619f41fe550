import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LibraryDatabase } from '../storage/library-database';
import { isInvalidValue } from '../storage/query-errors';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { WebhookActivity } from '../common/webhook-activity';
import { PublishFailureCounter } from './publish-failure.counter';
import { InvalidWebhookEventError, WebhookPayloadTooLargeError } from './publish.errors';
import { WebhooksService } from './webhooks.service';

/** An event a decorated method or a domain event produced, on its way to the database. */
interface PendingEvent {
  /** Fixed before the first attempt, so a retry after an attempt that did commit stores nothing twice. */
  eventId: string;
  type: string;
  data: unknown;
  tenantId: string | null;
  /** Failed attempts after which the database answered all the same (see `isPoison`). */
  failuresWhileDatabaseAnswers: number;
  /** Set while a caller waits for the first attempt to end. */
  firstAttemptEnded?: () => void;
}

/** What the health indicator and the metrics show of the buffer. */
export interface PublishBufferState {
  /** Events waiting to be stored: being stored, or waiting for the database to answer again. */
  pending: number;
  capacity: number;
  /** Events refused since the start because the buffer was full. */
  dropped: number;
  /** Since when the oldest waiting event has failed to be stored; null when none has. */
  failingSince: Date | null;
}

/** Stores in flight at once: the rest wait here, not in the database pool. */
const STORES_IN_FLIGHT = 8;
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
/** An event that failed this often while the database answered is the problem, not the database. */
const POISON_FAILURES = 3;

/**
 * Where the events of decorated methods and domain events go when their caller cannot (or
 * should not) wait for the database: each is stored as soon as possible, and while the database
 * does not answer, kept in memory and tried again (backing off up to 5 s), in order, so an
 * outage does not lose what callers were told succeeded. The buffer is bounded
 * (`publishBuffer.maxEvents`): when full, a new event is refused, logged and counted
 * (`webhooks_publish_dropped_total`, and the health indicator says so); in `strict` mode the
 * error reaches an async caller. At shutdown it keeps trying for `publishBuffer.drainTimeoutMs`.
 * What it cannot survive is the end of the process (SIGKILL, a crash) while events wait in it.
 */
@Injectable()
export class PublishBuffer implements OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly waiting: PendingEvent[] = [];
  private inFlight = 0;
  private retryDelayMs = 0;
  private retryTimer?: NodeJS.Timeout;
  private failingSince: Date | null = null;
  private dropped = 0;
  private wasFull = false;
  private drained?: () => void;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly webhooks: WebhooksService,
    private readonly failures: PublishFailureCounter,
    private readonly activity: WebhookActivity,
    private readonly database: LibraryDatabase,
  ) {}

  state(): PublishBufferState {
    return { pending: this.waiting.length + this.inFlight, capacity: this.options.publishBuffer.maxEvents, dropped: this.dropped, failingSince: this.failingSince };
  }

  /**
   * Takes the event; resolves once its first attempt to store it ended (stored, or kept to be
   * tried again), so an async caller waits for the database as it did without the buffer. While
   * the database is failing, it resolves at once: the event waits its turn in the buffer.
   */
  publish(type: string, data: unknown, tenantId: string | null): Promise<void> {
    if (this.state().pending >= this.options.publishBuffer.maxEvents) return this.refuse(type);
    this.wasFull = false;
    const event: PendingEvent = { eventId: randomUUID(), type, data, tenantId, failuresWhileDatabaseAnswers: 0 };
    const firstAttempt = this.failingSince ? Promise.resolve() : new Promise<void>((resolve) => (event.firstAttemptEnded = resolve));
    this.waiting.push(event);
    this.pump();
    return firstAttempt;
  }

  /** Keeps trying what waits for up to `drainTimeoutMs`, then says how many events are lost. */
  async onModuleDestroy(): Promise<void> {
    if (this.state().pending === 0) return;
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, this.options.publishBuffer.drainTimeoutMs).unref());
    await Promise.race([new Promise<void>((resolve) => (this.drained = resolve)), deadline]);
    clearTimeout(this.retryTimer);
    const lost = this.state().pending;
    if (lost > 0) this.logger.error(`shutting down with ${lost} events not stored: the database did not answer for ${this.options.publishBuffer.drainTimeoutMs} ms; they are lost`);
  }

  private refuse(type: string): Promise<void> {
    this.dropped += 1;
    this.activity.emit('publishDropped', { type });
    if (!this.wasFull) {
      this.wasFull = true;
      this.logger.error(`publish buffer full (${this.options.publishBuffer.maxEvents} events waiting for the database): refusing new events until it drains`);
    }
    const error = new Error(`${type}: not published, the publish buffer is full`);
    this.failures.record(type, error);
    return this.options.strict ? Promise.reject(error) : Promise.resolve();
  }

  /** Starts stores up to the limit, unless the database is being waited for. */
  private pump(): void {
    while (this.inFlight < STORES_IN_FLIGHT && this.waiting.length > 0 && !this.retryTimer) {
      const event = this.waiting.shift()!;
      this.inFlight += 1;
      void this.store(event).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.state().pending === 0) this.drained?.();
      });
    }
  }

  private async store(event: PendingEvent): Promise<void> {
    try {
      await this.webhooks.publish(event.type, event.data, { tenantId: event.tenantId, eventId: event.eventId });
      this.retryDelayMs = 0;
      this.failingSince = null;
    } catch (error) {
      if (isPermanent(error) || (await this.isPoison(event))) {
        this.failures.record(event.type, error);
      } else {
        this.keepForRetry(event, error);
      }
    } finally {
      event.firstAttemptEnded?.();
      event.firstAttemptEnded = undefined;
    }
  }

  /** Whether the event keeps failing while the database answers: something in it is refused. */
  private async isPoison(event: PendingEvent): Promise<boolean> {
    const answers = await this.database.ping().then(
      () => true,
      () => false,
    );
    if (answers) event.failuresWhileDatabaseAnswers += 1;
    return event.failuresWhileDatabaseAnswers >= POISON_FAILURES;
  }

  /** Puts the event back first in line and waits (backing off) before storing anything again. */
  private keepForRetry(event: PendingEvent, error: unknown): void {
    this.waiting.unshift(event);
    if (!this.failingSince) {
      this.failingSince = new Date();
      this.logger.warn(`could not store events, keeping them to try again: ${(error as Error)?.message ?? String(error)}`);
      // Callers waiting for a first attempt stop waiting: their events wait for the database here.
      for (const waiting of this.waiting) {
        waiting.firstAttemptEnded?.();
        waiting.firstAttemptEnded = undefined;
      }
    }
    this.activity.emit('publishRetried', { type: event.type });
    if (this.retryTimer) return;
    this.retryDelayMs = Math.min(MAX_RETRY_MS, Math.max(FIRST_RETRY_MS, this.retryDelayMs * 2));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }
}

/** Errors of the event itself: trying again would fail again. */
function isPermanent(error: unknown): boolean {
  return error instanceof InvalidWebhookEventError || error instanceof WebhookPayloadTooLargeError || isInvalidValue(error);
}
