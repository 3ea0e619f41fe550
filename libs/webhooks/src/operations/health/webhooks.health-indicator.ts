import { Inject, Injectable } from '@nestjs/common';
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import { loadOptionalPeer } from '../../common/optional-peer';
import { DeliveryDispatcher } from '../../dispatch/delivery-dispatcher';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { answerWithin } from '../../common/answer-within';
import { OperationsQueries, type Backlog, type EndpointCounts, type RecentOutcomes } from '../../storage/queries/operations.queries';
import { PublishBuffer, type PublishBufferState } from '../../publishing/publish-buffer';
import { judgeSuccessRate, successRate, type SuccessRateStatus } from './success-rate';

/** Longest wait for the database or Redis before the check reports them down. */
const ANSWER_TIMEOUT_MS = 2_000;

/** What `isHealthy` reports under its key, besides `status`. */
// NOTE: a type rather than an interface: Terminus takes the details as a string-keyed record.
export type WebhooksHealthDetails = {
  /** `up`, or why not. */
  database: string;
  /** `up`, `not configured` (embedded mode), or why not. */
  redis: string;
  /** Absent when the database did not answer. */
  backlog?: { due: number; oldestDueSeconds: number; maxLagSeconds: number };
  successRate?: {
    windowSeconds: number;
    succeeded: number;
    failed: number;
    retrying: number;
    /** 0 to 1; null when no delivery had an outcome in the window. */
    rate: number | null;
    status: SuccessRateStatus;
  };
  endpoints?: { disabled: number; openCircuits: number };
  /** Events of decorated methods and domain events waiting in this process to be stored. */
  publishBuffer: PublishBufferState;
  /** Why the status is not `up`, in words; empty when it is. */
  problems: string[];
};

/**
 * Terminus indicator of the webhooks pipeline:
 * - down when the database or Redis (if configured) does not answer, when the oldest due
 *   delivery has waited longer than `health.maxBacklogLagMs` (no worker is keeping up), or
 *   when the publish buffer is full (new events are being refused);
 * - degraded (HTTP 200, overall status `degraded`) when the recent delivery success rate is
 *   below `health.healthySuccessRate`: failing receivers are not an outage of the sender;
 * - up otherwise.
 * It never throws (Terminus 12 answers 500 to an indicator that throws): every failure is a
 * `down` with the reason in `problems`. `@nestjs/terminus` (an optional peer, which the host's
 * health route uses anyway) is loaded on the first check. Terminus 11 knows no `degraded`: there
 * a degraded pipeline reports `up`, with the reason in `problems`.
 *
 * @publicApi
 */
@Injectable()
export class WebhooksHealthIndicator {
  private terminus?: Promise<HealthIndicatorService>;

  constructor(
    private readonly queries: OperationsQueries,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly publishBuffer: PublishBuffer,
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {}

  async isHealthy(key = 'webhooks'): Promise<HealthIndicatorResult> {
    const session = (await this.healthIndicatorService()).check(key);
    const indicator = { up: session.up.bind(session), down: session.down.bind(session), degraded: (session.degraded ?? session.up).bind(session) };
    const [database, redis] = await Promise.all([probe(() => this.queries.ping()), this.probeRedis()]);
    // Reasons to report down; the success rate alone only ever degrades.
    const outage: string[] = [];
    if (database !== 'up') outage.push(`database: ${database}`);
    if (redis !== 'up' && redis !== 'not configured') outage.push(`redis: ${redis}`);
    const publishBuffer = this.publishBuffer.state();
    if (publishBuffer.pending >= publishBuffer.capacity) outage.push(`publish buffer: full (${publishBuffer.capacity} events waiting to be stored), new events are refused`);
    // Events waiting because the database failed: said, but not an outage of its own (the database check is).
    const waiting = publishBuffer.failingSince ? [`publish buffer: ${publishBuffer.pending} events waiting to be stored since ${publishBuffer.failingSince.toISOString()}`] : [];
    if (database !== 'up') return indicator.down({ database, redis, publishBuffer, problems: [...outage, ...waiting] });

    const now = new Date();
    const { maxBacklogLagMs, successRateWindowMs } = this.options.health;
    let backlog: Backlog, outcomes: RecentOutcomes, endpoints: EndpointCounts;
    try {
      [backlog, outcomes, endpoints] = await answerWithin(
        Promise.all([this.queries.backlog(now), this.queries.recentOutcomes(new Date(now.getTime() - successRateWindowMs)), this.queries.endpoints(now)]),
        ANSWER_TIMEOUT_MS,
      );
    } catch (error) {
      const state = failure(error);
      return indicator.down({ database: state, redis, publishBuffer, problems: [`database: ${state}`, ...outage, ...waiting] });
    }

    const oldestDueSeconds = Math.round(backlog.oldestDueMs / 1000);
    if (backlog.oldestDueMs > maxBacklogLagMs) {
      outage.push(`backlog: the oldest due delivery has waited ${oldestDueSeconds} s, more than ${maxBacklogLagMs / 1000} s`);
    }
    const rate = successRate(outcomes);
    const rateStatus = judgeSuccessRate(rate, this.options.health);
    const rateProblem = rateStatus === 'healthy' ? [] : [`success rate: ${percent(rate)} over the last ${successRateWindowMs / 1000} s (${rateStatus})`];
    const details: WebhooksHealthDetails = {
      database,
      redis,
      backlog: { due: backlog.due, oldestDueSeconds, maxLagSeconds: maxBacklogLagMs / 1000 },
      successRate: { windowSeconds: successRateWindowMs / 1000, ...outcomes, rate, status: rateStatus },
      endpoints: { disabled: endpoints.byStatus.disabled, openCircuits: endpoints.openCircuits },
      publishBuffer,
      problems: [...outage, ...waiting, ...rateProblem],
    };
    if (outage.length > 0) return indicator.down(details);
    return rateStatus === 'healthy' ? indicator.up(details) : indicator.degraded(details);
  }

  private probeRedis(): Promise<string> {
    const ping = this.dispatcher.pingQueueServer();
    return ping === null ? Promise.resolve('not configured') : probe(() => ping);
  }

  private healthIndicatorService(): Promise<HealthIndicatorService> {
    this.terminus ??= loadOptionalPeer<typeof import('@nestjs/terminus')>('@nestjs/terminus', 'WebhooksHealthIndicator').then(
      (terminus) => new terminus.HealthIndicatorService(),
    );
    return this.terminus;
  }
}

/** `up`, or why not; never rejects. */
async function probe(check: () => Promise<unknown>): Promise<string> {
  try {
    await answerWithin(check(), ANSWER_TIMEOUT_MS);
    return 'up';
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.startsWith('no answer') ? message : `down: ${message}`).slice(0, 200);
}

function percent(rate: number | null): string {
  return rate === null ? 'n/a' : `${Math.round(rate * 1000) / 10} %`;
}
