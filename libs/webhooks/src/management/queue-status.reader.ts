import { Injectable } from '@nestjs/common';
import { answerWithin } from '../common/answer-within';
import { DeliveryDispatcher, type QueueCounts } from '../dispatch/delivery-dispatcher';
import { BacklogQueries, type Backlog } from '../storage/queries/backlog.queries';
import { RetryLaterException } from './retry-later.exception';

export interface QueueStatus {
  /** Bull's job counts; null in embedded mode. */
  queue: QueueCounts | null;
  backlog: Backlog;
}

const REDIS_ANSWER_TIMEOUT_MS = 3_000;

/** `GET /queue`: Bull's job counts (when Bull dispatches) and the tenant's backlog in the database. */
@Injectable()
export class QueueStatusReader {
  constructor(
    private readonly dispatcher: DeliveryDispatcher,
    private readonly backlog: BacklogQueries,
  ) {}

  async status(tenantId: string, now: Date = new Date()): Promise<QueueStatus> {
    const [queue, backlog] = await Promise.all([this.queueCounts(), this.backlog.backlog(tenantId, now)]);
    return { queue, backlog };
  }

  private async queueCounts(): Promise<QueueCounts | null> {
    try {
      return await answerWithin(this.dispatcher.queueCounts(), REDIS_ANSWER_TIMEOUT_MS);
    } catch {
      throw RetryLaterException.unavailable('the queue (Redis)');
    }
  }
}
