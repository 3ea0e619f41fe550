import type { DueDelivery } from '../common/due-delivery';

export interface RequeueOptions {
  reconciling?: boolean;
}

/** Job counts of a queue server (Bull mode). */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  paused: number;
}

/**
 * Moves deliveries from the database to the workers. The database stays the source of
 * truth: a dispatcher may lose work (Redis flushed, process killed) and the reconciler will
 * hand it the same deliveries again, so `enqueue` must be idempotent per delivery id.
 * One implementation runs in a process, chosen once from the options (`dispatch.providers.ts`).
 */
export abstract class DeliveryDispatcher {
  /** Hands over new deliveries. */
  abstract enqueue(deliveries: readonly DueDelivery[]): Promise<void>;

  /**
   * Hands over deliveries the dispatcher may already hold, scheduled for a later time than
   * the database now says (manual retry, recovery, reconciliation): they run at `runAt`.
   * Returns how many it did not hold as the database says (added or moved); a dispatcher
   * that cannot tell counts them all. `reconciling`: a reconciler pass, which leaves a delivery
   * alone while a job that held it runs (the job may yet attempt it); any other requeue (a
   * manual retry) does not wait for that job.
   */
  async requeue(deliveries: readonly DueDelivery[], _options: RequeueOptions = {}): Promise<number> {
    await this.enqueue(deliveries);
    return deliveries.length;
  }

  /** Resolves once the queue's server answers; null when there is none (embedded mode). */
  pingQueueServer(): Promise<void> | null {
    return null;
  }

  /** The queue server's job counts; null when there is none (embedded mode). */
  async queueCounts(): Promise<QueueCounts | null> {
    return null;
  }
}
