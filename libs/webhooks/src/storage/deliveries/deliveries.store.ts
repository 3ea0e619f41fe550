import type { DueDelivery } from '../../common/due-delivery';
import type { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import type { WebhookEndpoint } from '../entities/endpoint.entity';
import type { WebhookEvent } from '../entities/event.entity';
import type { AttemptGroup, ClaimedDelivery, ClaimedForAttempt, HeldDelivery, Lease, PostponeGroup } from './delivery-records';

/** A due delivery's place in the (nextAttemptAt, id) order the reconciler pages by. */
export interface DuePosition {
  nextAttemptAt: Date;
  id: string;
}

/**
 * Every statement the delivery pipeline runs on deliveries, one implementation per database
 * family (chosen once, see `storage.providers.ts`). Writes after a claim are fenced: they take
 * the claim's `HeldDelivery` and apply only while the delivery still carries its token, and
 * say which did not.
 */
export abstract class DeliveriesStore {
  /**
   * Claims the due ones of `ids` under one lease: `delivering`, the lease's token, and
   * `nextAttemptAt` at the lease's end (past it, another worker may claim). Of concurrent
   * claimers of one delivery, one wins. Returns the claimed rows.
   */
  abstract claim(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedDelivery[]>;

  /**
   * Claims as `claim`, and reads what the attempts need: each claimed delivery's endpoint
   * (null when gone) and, where the store reads it in the same statement, its event.
   */
  async claimForAttempt(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedForAttempt[]> {
    const claimed = await this.claim(ids, now, lease);
    const endpoints = await this.findEndpoints(claimed.map((delivery) => delivery.endpointId));
    return claimed.map((delivery, i) => ({ delivery, endpoint: endpoints[i] }));
  }

  /** Claims up to `limit` of the deliveries due now, but those of `except`, as `claimForAttempt`. */
  async claimDue(now: Date, except: readonly string[], limit: number, lease: Lease): Promise<ClaimedForAttempt[]> {
    const due = await this.dueNow(now, except, limit);
    return due.length === 0 ? [] : this.claimForAttempt(due, now, lease);
  }

  /** Moves the end of the leases still held to `until`; returns the ids whose lease was lost. */
  abstract renewLeases(held: readonly HeldDelivery[], until: Date): Promise<string[]>;

  /**
   * Inserts each group's attempts and applies its changes, only for the deliveries still held
   * (an attempt id already stored is skipped: a retried batch records nothing twice). Returns
   * the ids of the deliveries whose lease was lost: nothing of theirs was written.
   */
  abstract recordAttempts(group: AttemptGroup): Promise<string[]>;

  /** Puts held deliveries back to wait until `group.until`; returns the ids it did not change. */
  abstract postpone(group: PostponeGroup): Promise<string[]>;

  /** Ends a held delivery without an attempt; false when its lease was lost. */
  abstract finishWithoutAttempt(held: HeldDelivery, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<boolean>;

  /** Makes up to `limit` of the endpoint's waiting deliveries due now; returns them. */
  abstract releaseWaiting(endpointId: string, now: Date, limit: number): Promise<DueDelivery[]>;

  abstract findById(deliveryId: string): Promise<WebhookDelivery | null>;

  /** Events by id, in the order asked (null for a missing one). */
  abstract findEvents(ids: readonly string[]): Promise<Array<WebhookEvent | null>>;

  /** Endpoints by id, in the order asked (null for a missing one), deleted ones included. */
  abstract findEndpoints(ids: readonly string[]): Promise<Array<WebhookEndpoint | null>>;

  /** Deliveries due at `dueBefore` or earlier, oldest first, after `after` in that order. */
  abstract dueAfter(after: DuePosition | null, dueBefore: Date, limit: number): Promise<DuePosition[]>;

  /** Deliveries due now, oldest first, but those of `except`. */
  abstract dueNow(now: Date, except: readonly string[], limit: number): Promise<string[]>;
}
