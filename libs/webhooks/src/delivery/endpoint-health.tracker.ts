import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RESOLVED_WEBHOOKS_OPTIONS, WebhookNotifications } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { EndpointStatus, WebhookEndpoint } from '../storage/entities/endpoint.entity';
import { HostNotifier } from './host-notifier';

/** Payload of `webhooks.endpoint.failing`. */
export interface EndpointFailingNotification {
  endpointId: string;
  tenantId: string | null;
  url: string;
  consecutiveFailures: number;
  failingSince: Date | null;
}

/** Payload of `webhooks.endpoint.disabled`. */
export interface EndpointDisabledNotification {
  endpointId: string;
  tenantId: string | null;
  url: string;
  reason: string;
}

/**
 * Keeps each endpoint's streak of consecutive failed attempts, tells the host when a streak
 * reaches a threshold, and disables endpoints. The counter is incremented in SQL so that
 * concurrent workers do not lose updates.
 */
@Injectable()
export class EndpointHealthTracker {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly notifier: HostNotifier,
  ) {}

  async recordSuccess(endpoint: WebhookEndpoint): Promise<void> {
    // Most successes follow successes: skip the write unless there is a streak to end.
    if (endpoint.consecutiveFailures === 0) return;
    await this.repository().update({ id: endpoint.id }, { consecutiveFailures: 0, failingSince: null });
  }

  async recordFailure(endpoint: WebhookEndpoint, now: Date): Promise<void> {
    const column = (name: string) => this.dataSource.driver.escape(name);
    await this.repository()
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({
        consecutiveFailures: () => `${column('consecutiveFailures')} + 1`,
        failingSince: () => `COALESCE(${column('failingSince')}, :now)`,
      })
      .setParameter('now', now)
      .where({ id: endpoint.id })
      .execute();
    const updated = await this.repository().findOne({
      where: { id: endpoint.id },
      select: { id: true, consecutiveFailures: true, failingSince: true },
      withDeleted: true,
    });
    if (!updated || !this.options.failureThresholds.includes(updated.consecutiveFailures)) return;
    this.logger.warn(`endpoint ${endpoint.id} failed ${updated.consecutiveFailures} times in a row`);
    this.notifier.notify<EndpointFailingNotification>(WebhookNotifications.endpointFailing, {
      endpointId: endpoint.id,
      tenantId: endpoint.tenantId,
      url: endpoint.url,
      consecutiveFailures: updated.consecutiveFailures,
      failingSince: updated.failingSince,
    });
  }

  async disable(endpoint: WebhookEndpoint, reason: string, now: Date): Promise<void> {
    await this.repository().update(
      { id: endpoint.id },
      { status: EndpointStatus.Disabled, disabledReason: reason, updatedAt: now },
    );
    this.logger.warn(`endpoint ${endpoint.id} disabled: ${reason}`);
    this.notifier.notify<EndpointDisabledNotification>(WebhookNotifications.endpointDisabled, {
      endpointId: endpoint.id,
      tenantId: endpoint.tenantId,
      url: endpoint.url,
      reason,
    });
  }

  private repository() {
    return this.dataSource.getRepository(WebhookEndpoint);
  }
}
