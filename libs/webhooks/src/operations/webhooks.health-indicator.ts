import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource, In, LessThanOrEqual } from 'typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_QUEUE } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { DeliveryStatus, WebhookDelivery } from '../storage/entities/delivery.entity';

const PROBE_TIMEOUT_MS = 2_000;

/**
 * Terminus indicator: down when the database or Redis cannot be reached; reports the backlog
 * (deliveries due now and how late the oldest one is).
 */
@Injectable()
export class WebhooksHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  async isHealthy(key = 'webhooks'): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const [database, redis] = await Promise.all([
      probe(() => this.dataSource.query('SELECT 1')),
      this.options.redis === undefined ? Promise.resolve('not configured') : probe(() => this.queue.client.ping()),
    ]);
    if (database !== 'up') return indicator.down({ database, redis });
    const backlog = await this.backlog();
    if (redis !== 'up' && redis !== 'not configured') return indicator.down({ database, redis, ...backlog });
    return indicator.up({ database, redis, ...backlog });
  }

  private async backlog(): Promise<{ due: number; oldestDueSeconds: number }> {
    const now = new Date();
    const where = { status: In([DeliveryStatus.Pending, DeliveryStatus.Retrying]), nextAttemptAt: LessThanOrEqual(now) };
    const repository = this.dataSource.getRepository(WebhookDelivery);
    const [due, oldest] = await Promise.all([
      repository.count({ where }),
      repository.findOne({ where, order: { nextAttemptAt: 'ASC' }, select: { id: true, nextAttemptAt: true } }),
    ]);
    const oldestDueSeconds = oldest?.nextAttemptAt ? Math.max(0, Math.round((now.getTime() - oldest.nextAttemptAt.getTime()) / 1000)) : 0;
    return { due, oldestDueSeconds };
  }
}

async function probe(check: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${PROBE_TIMEOUT_MS} ms`), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().then(() => 'up'), timeout]);
  } catch (error) {
    return `down: ${(error as Error).message}`.slice(0, 200);
  } finally {
    clearTimeout(timer);
  }
}
