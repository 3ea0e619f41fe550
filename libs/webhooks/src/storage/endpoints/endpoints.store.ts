import { In, IsNull, LessThanOrEqual, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { TransactionRunner } from '../dialect/transaction-runner';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { EndpointStatus, WebhookEndpoint } from '../entities/endpoint.entity';

/** What the failure streak of an endpoint is after one more failure. */
export type FailureStreak = Pick<WebhookEndpoint, 'id' | 'consecutiveFailures' | 'failingSince' | 'status'>;

/**
 * Endpoints' statements: registration and changes (`EndpointsService`), and the health the
 * workers keep on them (streak, circuit, disabling), in SQL where concurrent workers must not
 * lose updates. One implementation for every family: nothing here is dialect-specific beyond
 * the family's `TransactionRunner`.
 */
export class EndpointsStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Inserts a new endpoint with its `urlKey`; a live endpoint of the tenant with the URL makes it a unique violation. */
  async insert(endpoint: WebhookEndpoint & { urlKey: string }): Promise<void> {
    await this.endpoints().insert(endpoint);
  }

  async update(id: string, changes: Partial<WebhookEndpoint>): Promise<void> {
    await this.endpoints().update({ id }, changes);
  }

  /** A live endpoint of the tenant (null: without one), or null. */
  findOwned(id: string, tenantId: string | null): Promise<WebhookEndpoint | null> {
    return this.endpoints().findOneBy({ id, tenantId: tenantId ?? IsNull() });
  }

  findLiveByUrl(tenantId: string | null, url: string): Promise<WebhookEndpoint | null> {
    return this.endpoints().findOneBy({ tenantId: tenantId ?? IsNull(), url });
  }

  /** The tenant's live endpoints, newest first. */
  list(tenantId: string | null, status?: EndpointStatus): Promise<WebhookEndpoint[]> {
    const where: FindOptionsWhere<WebhookEndpoint> = { tenantId: tenantId ?? IsNull(), ...(status ? { status } : {}) };
    return this.endpoints().find({ where, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  countLive(tenantId: string | null): Promise<number> {
    return this.endpoints().countBy({ tenantId: tenantId ?? IsNull() });
  }

  /** Soft delete (the URL is free again: a deleted endpoint keeps no key); waiting deliveries are cancelled. */
  async remove(id: string, now: Date): Promise<void> {
    await this.transactions.run(async (manager) => {
      await manager.update(WebhookEndpoint, { id }, { deletedAt: now, urlKey: null });
      await manager.update(
        WebhookDelivery,
        { endpointId: id, status: In([DeliveryStatus.Pending, DeliveryStatus.Retrying]) },
        { status: DeliveryStatus.Cancelled, lastError: 'endpoint deleted', nextAttemptAt: null, completedAt: now, updatedAt: now },
      );
    });
  }

  /**
   * Reads the tenant's endpoint locked, writes what `change` makes of it, in one transaction:
   * concurrent changes of it wait for each other. Null when there is no such endpoint.
   */
  changeLocked(id: string, tenantId: string | null, change: (endpoint: WebhookEndpoint) => Partial<WebhookEndpoint>): Promise<WebhookEndpoint | null> {
    return this.transactions.run(async (manager) => {
      const endpoint = await manager.findOne(WebhookEndpoint, { where: { id, tenantId: tenantId ?? IsNull() }, lock: this.transactions.rowLock });
      if (!endpoint) return null;
      const changes = change(endpoint);
      await manager.update(WebhookEndpoint, { id }, changes);
      return Object.assign(endpoint, changes);
    });
  }

  /** Takes the probe of a circuit whose cooldown has passed, unless another worker took it: true when taken. */
  async takeProbe(id: string, now: Date, probeUntil: Date): Promise<boolean> {
    const taken = await this.endpoints().update({ id, circuitOpenUntil: LessThanOrEqual(now) }, { circuitOpenUntil: probeUntil });
    return taken.affected === 1;
  }

  /**
   * Ends the endpoint's failure streak and closes its circuit. True when this call closed an
   * open circuit: of concurrent successes, one only.
   */
  async endStreak(id: string): Promise<boolean> {
    const closed = await this.endpoints().update({ id, circuitOpenUntil: Not(IsNull()) }, { consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null });
    if (closed.affected === 1) return true;
    await this.endpoints().update({ id }, { consecutiveFailures: 0, failingSince: null });
    return false;
  }

  /**
   * Adds one to the streak and reads it back in one transaction: the row stays locked until
   * the read, so concurrent failures each see their own count (no threshold skipped or told twice).
   */
  addFailure(id: string, now: Date): Promise<FailureStreak | null> {
    const column = (name: string) => this.dataSource.driver.escape(name);
    return this.transactions.run(async (manager) => {
      await manager
        .createQueryBuilder()
        .update(WebhookEndpoint)
        .set({ consecutiveFailures: () => `${column('consecutiveFailures')} + 1`, failingSince: () => `COALESCE(${column('failingSince')}, :now)` })
        .setParameter('now', now)
        .where({ id })
        .execute();
      return manager.findOne(WebhookEndpoint, { where: { id }, select: { id: true, consecutiveFailures: true, failingSince: true, status: true }, withDeleted: true });
    });
  }

  async disable(id: string, reason: string, now: Date): Promise<void> {
    await this.endpoints().update({ id }, { status: EndpointStatus.Disabled, disabledReason: reason, updatedAt: now });
  }

  async openCircuit(id: string, until: Date): Promise<void> {
    await this.endpoints().update({ id }, { circuitOpenUntil: until });
  }

  private endpoints() {
    return this.dataSource.getRepository(WebhookEndpoint);
  }
}
