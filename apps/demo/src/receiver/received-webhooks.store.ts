import { Injectable } from '@nestjs/common';
import type { ReceivedWebhook } from './received-webhook.model';

const KEPT = 100;

/** The last 100 verified webhooks, in memory, one per webhook-id (retries are not stored twice). */
@Injectable()
export class ReceivedWebhooksStore {
  private readonly received: ReceivedWebhook[] = [];

  /** False when this webhook-id was already received: webhooks arrive at least once. */
  add(webhook: ReceivedWebhook): boolean {
    if (this.received.some((known) => known.id === webhook.id)) return false;
    this.received.push(webhook);
    if (this.received.length > KEPT) this.received.splice(0, this.received.length - KEPT);
    return true;
  }

  /** Newest first. */
  list(): ReceivedWebhook[] {
    return [...this.received].reverse();
  }
}
