import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { DeliveryWorker } from '../../delivery/delivery.worker';
import type { DeliveriesRepository } from '../../storage/deliveries/deliveries.repository';
import { DeliveryDispatcher } from '../delivery-dispatcher';
import type { DueDelivery } from '../../common/due-delivery';
import type { Claim } from '../../storage/deliveries/delivery-records';

/**
 * Claimed attempts held at most, as a multiple of `concurrency` (the worker sends that many
 * requests at once): while some are sent, the next are claimed, and a poll takes at least
 * `concurrency` of them in one statement.
 */
const HELD_PER_REQUEST = 4;

/**
 * Dispatch without Redis: this process polls the database for due deliveries and attempts
 * them with bounded concurrency. Publishing wakes it at once, and it wakes itself when the
 * earliest retry it knows of falls due. Several processes may poll one database: the claim
 * in the database lets one of them attempt a delivery.
 */
export class EmbeddedDeliveryDispatcher extends DeliveryDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private readonly inFlight = new Map<string, Promise<void>>();
  private running = false;
  private wake?: () => void;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Number.POSITIVE_INFINITY;
  private loop?: Promise<void>;

  constructor(
    private readonly options: ResolvedWebhooksOptions,
    private readonly deliveries: DeliveriesRepository,
    private readonly worker: DeliveryWorker,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled || !this.options.worker) return;
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    clearTimeout(this.wakeTimer);
    this.wake?.();
    await this.loop;
    await this.worker.stop();
  }

  async enqueue(deliveries: readonly DueDelivery[]): Promise<void> {
    for (const delivery of deliveries) this.wakeNoLaterThan(delivery.runAt.getTime());
  }

  private get held(): number {
    return this.options.concurrency * HELD_PER_REQUEST;
  }

  /** Polls again once `concurrency` of the claimed attempts are done, so that a poll takes many. */
  private roomForAPoll(): boolean {
    return this.held - this.inFlight.size >= this.options.concurrency;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const taken = await this.takeDue();
        if (taken === 0 || !this.roomForAPoll()) await this.sleep();
        // A synchronous driver (SQLite) resolves every claim and write in microtasks, and an
        // attempt that ends at once (postponed) wakes the sleep in one: without a turn of the
        // event loop between polls, they would follow each other forever, and no response,
        // timeout or timer would ever be handled.
        await new Promise((resolve) => setImmediate(resolve));
      } catch (error) {
        this.logger.warn(`embedded dispatcher could not read due deliveries: ${(error as Error).message}`);
        await this.sleep();
      }
    }
  }

  /** Claims due deliveries, up to the room left, and starts their attempts; returns how many. */
  private async takeDue(): Promise<number> {
    const room = this.held - this.inFlight.size;
    if (room <= 0) return 0;
    const now = new Date();
    const claims = await this.deliveries.claimDue(now, [...this.inFlight.keys()], room);
    for (const claim of claims) this.inFlight.set(claim.delivery.id, this.attempt(claim, now));
    return claims.length;
  }

  private async attempt(claim: Claim, now: Date): Promise<void> {
    const deliveryId = claim.delivery.id;
    try {
      const step = await this.worker.attemptTaken(claim, now);
      if (step.released.length > 0) await this.enqueue(step.released);
      if (step.kind === 'later') this.wakeNoLaterThan(step.at.getTime());
    } catch (error) {
      this.logger.warn(`delivery ${deliveryId} attempt failed to complete: ${(error as Error).message}`);
    } finally {
      this.inFlight.delete(deliveryId);
      if (this.roomForAPoll()) this.wake?.();
    }
  }

  private wakeNoLaterThan(at: number): void {
    const delay = at - Date.now();
    if (delay <= 0) return this.wake?.();
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.wake?.();
    }, delay);
    this.wakeTimer.unref();
  }

  /** Waits for a wake-up or the poll interval, whichever comes first. */
  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.options.pollIntervalMs);
      timer.unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
