import { Inject, Injectable, Logger } from '@nestjs/common';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { EndpointStatus, type WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { EndpointsStore } from '../../storage/endpoints/endpoints.store';
import { WebhookActivity } from '../../common/webhook-activity';

/** Whether a delivery to the endpoint may be attempted now. */
export type EndpointGate = { kind: 'open' } | { kind: 'wait'; until: Date };

/** How long the probe of a half-open circuit may take before another worker may probe. */
const PROBE_LEASE_MS = 90_000;
/** How soon deliveries that found a probe in flight look again. */
const PROBE_RECHECK_MS = 1_000;

/**
 * Keeps each endpoint's health in the database, where every worker sees it: the streak of
 * consecutive failed attempts (the host is told at thresholds), the circuit breaker (open
 * while `circuitOpenUntil` is in the future, one probe when it passes) and automatic
 * disabling. Counters change in SQL so concurrent workers do not lose updates.
 */
@Injectable()
export class EndpointHealthTracker {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly store: EndpointsStore,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly activity: WebhookActivity,
  ) {}

  /**
   * Closed circuit: go. Open: wait until it may be probed. Passed: this caller takes the
   * probe if no other worker took it first (a conditional update decides), else waits.
   */
  async gate(endpoint: WebhookEndpoint, now: Date): Promise<EndpointGate> {
    const openUntil = endpoint.circuitOpenUntil;
    if (!openUntil) return { kind: 'open' };
    if (openUntil.getTime() > now.getTime()) return { kind: 'wait', until: openUntil };
    const probeUntil = new Date(now.getTime() + PROBE_LEASE_MS);
    // Another worker probes: look again shortly rather than until its lease ends.
    return (await this.store.takeProbe(endpoint.id, now, probeUntil)) ? { kind: 'open' } : { kind: 'wait', until: new Date(now.getTime() + PROBE_RECHECK_MS) };
  }

  async recordSuccess(endpoint: WebhookEndpoint): Promise<void> {
    // Most successes follow successes: skip the write unless there is a streak to end.
    if (endpoint.consecutiveFailures === 0 && !endpoint.circuitOpenUntil) return;
    const circuitClosed = await this.store.endStreak(endpoint.id);
    if (circuitClosed) this.activity.emit('circuitClosed', { endpointId: endpoint.id, tenantId: endpoint.tenantId });
  }

  async recordFailure(endpoint: WebhookEndpoint, now: Date): Promise<void> {
    const updated = await this.store.addFailure(endpoint.id, now);
    if (!updated) return;
    const streak = updated.consecutiveFailures;
    if (this.options.failureThresholds.includes(streak)) {
      this.logger.warn(`endpoint ${endpoint.id} failed ${streak} times in a row`);
      this.activity.emit('endpointFailing', {
        endpointId: endpoint.id,
        tenantId: endpoint.tenantId,
        url: endpoint.url,
        consecutiveFailures: streak,
        failingSince: updated.failingSince,
      });
    }
    if (this.shouldAutoDisable(updated, now) && updated.status === EndpointStatus.Active) {
      await this.disable(endpoint, `failed ${streak} times in a row since ${updated.failingSince!.toISOString()}`, now);
    }
    await this.tripBreaker(endpoint, streak, now);
  }

  async disable(endpoint: WebhookEndpoint, reason: string, now: Date): Promise<void> {
    await this.store.disable(endpoint.id, reason, now);
    this.logger.warn(`endpoint ${endpoint.id} disabled: ${reason}`);
    this.activity.emit('endpointDisabled', {
      endpointId: endpoint.id,
      tenantId: endpoint.tenantId,
      url: endpoint.url,
      reason,
    });
  }

  /** Opens the circuit for a cooldown that doubles with each failure past the threshold. */
  private async tripBreaker(endpoint: WebhookEndpoint, streak: number, now: Date): Promise<void> {
    const breaker = this.options.circuitBreaker;
    if (!breaker || streak < breaker.failureThreshold) return;
    const cooldown = Math.min(breaker.cooldownMs * 2 ** (streak - breaker.failureThreshold), breaker.maxCooldownMs);
    const openUntil = new Date(now.getTime() + cooldown);
    await this.store.openCircuit(endpoint.id, openUntil);
    this.activity.emit('circuitOpened', { endpointId: endpoint.id, tenantId: endpoint.tenantId, consecutiveFailures: streak, openUntil });
  }

  private shouldAutoDisable(endpoint: Pick<WebhookEndpoint, 'consecutiveFailures' | 'failingSince'>, now: Date): boolean {
    const rule = this.options.autoDisable;
    if (!rule || !endpoint.failingSince || endpoint.consecutiveFailures < rule.afterFailures) return false;
    return now.getTime() - endpoint.failingSince.getTime() >= rule.minFailingMs;
  }
}
