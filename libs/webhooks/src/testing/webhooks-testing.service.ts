import { Injectable } from '@nestjs/common';
import { DeliveryWorker } from '../delivery/delivery.worker';
import { DeliveriesRepository } from '../storage/deliveries/deliveries.repository';
import { DeliveryStatus } from '../storage/entities/delivery.entity';
import { TestingClockStore } from '../storage/testing-clock.store';
import { RecordingTransport } from './recording-transport';
import type { SentWebhook } from './sent-webhook';
import { SettlingPublishBuffer } from './settling-publish-buffer';
import type { WebhookAnswer } from './webhook-answers';

/** Which of the sent webhooks `sent()` returns; all of them without one. */
export interface SentWebhookFilter {
  /** Only this event type. */
  type?: string;
  /** Only to this endpoint: its id or its URL. */
  endpoint?: string;
}

/** What one `drain()` did. */
export interface DrainSummary {
  /** The requests it sent, in order (`sent()` has them too). */
  sent: SentWebhook[];
  /** The deliveries it attempted or put back, one count each, by how they stand now. */
  deliveries: { succeeded: number; failed: number; cancelled: number; waiting: number };
  /**
   * In how many ms the first delivery still waiting is due (a retry, or one held behind an
   * open circuit): `advance` by it, then `drain` again. Null when none waits.
   */
  nextDueInMs: number | null;
}

/** Due deliveries read at a time. */
const DRAIN_BATCH = 100;
/** Later than any delivery can wait (retries are bounded to a month). */
const END_OF_TIME = new Date('9999-01-01T00:00:00.000Z');

/**
 * The testing kit's controls (`WebhooksTestingModule`): what was sent, what endpoints answer,
 * running what is due now, and time moving on.
 *
 * @publicApi
 */
@Injectable()
export class WebhooksTesting {
  constructor(
    private readonly transport: RecordingTransport,
    private readonly publishBuffer: SettlingPublishBuffer,
    private readonly worker: DeliveryWorker,
    private readonly deliveries: DeliveriesRepository,
    private readonly clock: TestingClockStore,
  ) {}

  /** The requests sent so far (since the start or `reset()`), in order, as signed. */
  sent(filter: SentWebhookFilter = {}): SentWebhook[] {
    return this.transport
      .sent()
      .filter((webhook) => (filter.type === undefined || webhook.type === filter.type) && (filter.endpoint === undefined || [webhook.endpointId, webhook.url].includes(filter.endpoint)));
  }

  /**
   * What an endpoint (its id or URL) answers from now on: one answer for every request, or a
   * sequence taken in order whose last answer stays, e.g. `[500, 500, 200]`. Default 200.
   */
  respondWith(endpoint: string, answer: WebhookAnswer | readonly WebhookAnswer[]): void {
    this.transport.answers.set(endpoint, answer);
  }

  /**
   * Attempts every delivery due now through the library's delivery worker (claim, sign, send,
   * record, schedule the retry, keep the endpoint's health, dead-letter), again and again until
   * none is due: a retry due at once is made in the same drain. Events of decorated methods that
   * are still being stored are waited for first.
   */
  async drain(): Promise<DrainSummary> {
    await this.publishBuffer.settled();
    const sentBefore = this.transport.sent().length;
    const handled = new Set<string>();
    for (let due = await this.due(); due.length > 0; due = await this.due()) {
      // One at a time, in due order, so that what is sent comes in an order a test can rely on.
      for (const id of due) {
        handled.add(id);
        await this.worker.attempt(id);
      }
    }
    return {
      sent: this.transport.sent().slice(sentBefore),
      deliveries: await this.countByStatus(handled),
      nextDueInMs: await this.nextDueInMs(),
    };
  }

  /**
   * Moves time on by `ms` for the library: waiting deliveries fall due `ms` sooner, open
   * circuits close `ms` sooner and failure streaks started `ms` earlier (which counts for
   * `autoDisable`). Then `drain()` makes the retries that fell due.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms): ms must be a finite number of milliseconds, at least 0; got ${ms}`);
    await this.clock.advance(ms);
  }

  /** Forgets what was sent and every scripted answer (endpoints answer 200 again); the database is left as it is. */
  reset(): void {
    this.transport.clear();
  }

  private due(): Promise<string[]> {
    return this.deliveries.dueNow(new Date(), [], DRAIN_BATCH);
  }

  private async countByStatus(ids: ReadonlySet<string>): Promise<DrainSummary['deliveries']> {
    const counts = { succeeded: 0, failed: 0, cancelled: 0, waiting: 0 };
    for (const id of ids) {
      const status = (await this.deliveries.findById(id))?.status;
      if (status === DeliveryStatus.Succeeded) counts.succeeded += 1;
      else if (status === DeliveryStatus.Failed) counts.failed += 1;
      else if (status === DeliveryStatus.Cancelled) counts.cancelled += 1;
      else counts.waiting += 1;
    }
    return counts;
  }

  private async nextDueInMs(): Promise<number | null> {
    const [first] = await this.deliveries.dueAfter(null, END_OF_TIME, 1);
    return first ? Math.max(0, first.nextAttemptAt.getTime() - Date.now()) : null;
  }
}
