import { And, Brackets, Equal, In, IsNull, LessThanOrEqual, MoreThan, Not, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { DueDelivery } from '../../common/due-delivery';
import { WebhookAttempt } from '../entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../entities/delivery.entity';
import { WebhookEndpoint } from '../entities/endpoint.entity';
import { WebhookEvent } from '../entities/event.entity';
import type { TransactionRunner } from '../dialect/transaction-runner';
import { ATTEMPTABLE_STATUSES, CLAIMED_COLUMNS, type AttemptGroup, type ClaimedDelivery, type HeldDelivery, type Lease, type PostponeGroup } from './delivery-records';
import { DeliveriesStore, type DuePosition } from './deliveries.store';
import { inOrderOf } from './grouping';

/**
 * The deliveries' statements through TypeORM, for MySQL/MariaDB and SQLite (and PostgreSQL's
 * less frequent ones). Fenced writes read which deliveries are still held, under a row lock
 * where the database has them, and write only those, in one transaction.
 */
export class PortableDeliveriesStore extends DeliveriesStore {
  constructor(
    protected readonly dataSource: DataSource,
    protected readonly transactions: TransactionRunner,
  ) {
    super();
  }

  /** No UPDATE … RETURNING here: the claim and the read are two statements a delivery. */
  async claim(ids: readonly string[], now: Date, lease: Lease): Promise<ClaimedDelivery[]> {
    const claimed: ClaimedDelivery[] = [];
    for (const id of new Set(ids)) {
      const result = await this.deliveries().update(
        { id, status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: LessThanOrEqual(now) },
        { status: DeliveryStatus.Delivering, nextAttemptAt: lease.until, leaseToken: lease.token, updatedAt: now },
      );
      if (result.affected !== 1) continue;
      const row = await this.deliveries().findOne({ where: { id }, select: Object.fromEntries(CLAIMED_COLUMNS.map((column) => [column, true])) });
      if (row) claimed.push({ ...row, leaseToken: lease.token });
    }
    return claimed;
  }

  async renewLeases(held: readonly HeldDelivery[], until: Date): Promise<string[]> {
    const lost: string[] = [];
    for (const { id, leaseToken } of held) {
      const result = await this.deliveries().update({ id, leaseToken, status: DeliveryStatus.Delivering }, { nextAttemptAt: until });
      if (result.affected !== 1) lost.push(id);
    }
    return lost;
  }

  async recordAttempts({ held, attempts, changes }: AttemptGroup): Promise<string[]> {
    return this.transactions.run(async (manager) => {
      const still = await this.stillHeld(manager, held);
      const rows = attempts.filter((attempt) => still.has(attempt.deliveryId));
      if (rows.length > 0) await manager.createQueryBuilder().insert().into(WebhookAttempt).values(rows).orIgnore().execute();
      if (still.size > 0) await manager.update(WebhookDelivery, { id: In([...still]) }, changes);
      return held.filter((delivery) => !still.has(delivery.id)).map((delivery) => delivery.id);
    });
  }

  async postpone({ held, until, now, behindCircuitOf }: PostponeGroup): Promise<string[]> {
    return this.transactions.run(async (manager) => {
      const still = await this.stillHeld(manager, held);
      const circuitOpen = behindCircuitOf === null || (await manager.existsBy(WebhookEndpoint, { id: behindCircuitOf, circuitOpenUntil: Not(IsNull()) }));
      if (still.size > 0 && circuitOpen) {
        await manager.update(WebhookDelivery, { id: In([...still]) }, { status: DeliveryStatus.Retrying, nextAttemptAt: until, updatedAt: now });
      }
      return held.filter((delivery) => !circuitOpen || !still.has(delivery.id)).map((delivery) => delivery.id);
    });
  }

  async finishWithoutAttempt({ id, leaseToken }: HeldDelivery, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<boolean> {
    const result = await this.deliveries().update({ id, leaseToken }, { status, lastError: reason, nextAttemptAt: null, completedAt: now, updatedAt: now });
    return result.affected === 1;
  }

  async releaseWaiting(endpointId: string, now: Date, limit: number): Promise<DueDelivery[]> {
    const waiting = await this.deliveries().find({
      select: { id: true },
      where: { endpointId, status: DeliveryStatus.Retrying, nextAttemptAt: MoreThan(now) },
      take: limit,
    });
    if (waiting.length === 0) return [];
    const ids = waiting.map((delivery) => delivery.id);
    await this.deliveries().update({ id: In(ids), status: DeliveryStatus.Retrying }, { nextAttemptAt: now, updatedAt: now });
    return ids.map((id) => ({ id, runAt: now }));
  }

  findById(deliveryId: string): Promise<WebhookDelivery | null> {
    return this.deliveries().findOneBy({ id: deliveryId });
  }

  findEvents(ids: readonly string[]): Promise<Array<WebhookEvent | null>> {
    return this.findByIds(WebhookEvent, ids);
  }

  findEndpoints(ids: readonly string[]): Promise<Array<WebhookEndpoint | null>> {
    return this.findByIds(WebhookEndpoint, ids);
  }

  /** Find operators rather than SQL, so that each database gets its own time format. */
  async dueAfter(after: DuePosition | null, dueBefore: Date, limit: number): Promise<DuePosition[]> {
    const status = In(ATTEMPTABLE_STATUSES);
    const where: FindOptionsWhere<WebhookDelivery>[] = after
      ? [
          { status, nextAttemptAt: And(MoreThan(after.nextAttemptAt), LessThanOrEqual(dueBefore)) },
          { status, nextAttemptAt: Equal(after.nextAttemptAt), id: MoreThan(after.id) },
        ]
      : [{ status, nextAttemptAt: LessThanOrEqual(dueBefore) }];
    const rows = await this.deliveries().find({ select: { id: true, nextAttemptAt: true }, where, order: { nextAttemptAt: 'ASC', id: 'ASC' }, take: limit });
    return rows.map((row) => ({ id: row.id, nextAttemptAt: row.nextAttemptAt! }));
  }

  async dueNow(now: Date, except: readonly string[], limit: number): Promise<string[]> {
    const rows = await this.deliveries().find({
      select: { id: true },
      where: { status: In(ATTEMPTABLE_STATUSES), nextAttemptAt: LessThanOrEqual(now), ...(except.length > 0 ? { id: Not(In([...except])) } : {}) },
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }

  protected deliveries() {
    return this.dataSource.getRepository(WebhookDelivery);
  }

  /** Which of `held` still carry their token, locked until the transaction ends where rows lock. */
  private async stillHeld(manager: EntityManager, held: readonly HeldDelivery[]): Promise<Set<string>> {
    if (held.length === 0) return new Set();
    const query = manager
      .createQueryBuilder(WebhookDelivery, 'delivery')
      .select('delivery.id', 'id')
      .where(
        new Brackets((where) => {
          held.forEach(({ id, leaseToken }, i) => where.orWhere(`(delivery.id = :id${i} AND delivery.leaseToken = :token${i})`, { [`id${i}`]: id, [`token${i}`]: leaseToken }));
        }),
      );
    if (this.transactions.rowLock) query.setLock('pessimistic_write');
    const rows = await query.getRawMany<{ id: string }>();
    return new Set(rows.map((row) => row.id));
  }

  /** Rows by id, in the order asked (null for a missing one), deleted ones included. */
  private async findByIds<Row extends { id: string }>(entity: new () => Row, ids: readonly string[]): Promise<Array<Row | null>> {
    if (ids.length === 0) return [];
    const found = await this.dataSource.getRepository(entity).find({ where: { id: In([...new Set(ids)]) } as FindOptionsWhere<Row>, withDeleted: true });
    return inOrderOf(ids, found);
  }
}
