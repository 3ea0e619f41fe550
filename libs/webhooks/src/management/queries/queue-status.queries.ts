import { Injectable } from '@nestjs/common';
import { RetryLaterException } from '../retry-later.exception';
import { DeliveryDispatcher, type QueueCounts } from '../../dispatch/delivery-dispatcher';
import { answerWithin } from '../../common/answer-within';
import { WebhookDelivery } from '../../storage/entities/delivery.entity';
import { ATTEMPTABLE_STATUSES } from '../../storage/repositories/deliveries.repository';
import { TenantScopedQueries } from './tenant-scoped.queries';

export interface QueueStatus {
  /** Bull's job counts; null in embedded mode. */
  queue: QueueCounts | null;
  backlog: { due: number; oldestDueAgeMs: number | null };
}

const REDIS_ANSWER_TIMEOUT_MS = 3_000;

/** Bull's job counts (when Bull dispatches) and the tenant's backlog in the database. */
@Injectable()
export class QueueStatusQueries {
  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly scoped: TenantScopedQueries,
  ) {}

  async status(tenantId: string, now: Date = new Date()): Promise<QueueStatus> {
    const [queue, backlog] = await Promise.all([this.queueCounts(), this.backlog(tenantId, now)]);
    return { queue, backlog };
  }

  private async queueCounts(): Promise<QueueStatus['queue']> {
    try {
      return await answerWithin(this.dispatcher.queueCounts(), REDIS_ANSWER_TIMEOUT_MS);
    } catch {
      throw RetryLaterException.unavailable('the queue (Redis)');
    }
  }

  private async backlog(tenantId: string, now: Date): Promise<QueueStatus['backlog']> {
    const row = await this.scoped
      .select(WebhookDelivery, 'd', tenantId)
      .select('COUNT(*)', 'due')
      .addSelect('MIN(d.nextAttemptAt)', 'oldest')
      .andWhere('d.status IN (:...attemptable)', { attemptable: ATTEMPTABLE_STATUSES })
      .andWhere('d.nextAttemptAt <= :now', { now })
      .getRawOne<{ due: unknown; oldest: unknown }>();
    const due = Number(row?.due ?? 0);
    const oldest = parseStoredDate(row?.oldest);
    return { due, oldestDueAgeMs: due > 0 && oldest ? Math.max(0, now.getTime() - oldest.getTime()) : null };
  }
}

/** A raw MIN() over a timestamp: a Date (PostgreSQL, MySQL) or SQLite's UTC text. */
function parseStoredDate(value: unknown): Date | null {
  if (value instanceof Date) return value;
  if (typeof value === 'string') return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
  return null;
}
