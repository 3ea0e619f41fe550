import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import type { MetricsRegistry } from '../../options/webhooks-options.interface';
import { loadOptionalPeer } from '../../common/optional-peer';
import { answerWithin } from '../../common/answer-within';
import { OperationsQueries } from '../../storage/queries/operations.queries';
import { PublishBuffer } from '../../publishing/publish-buffer';
import { WebhookActivity, type AttemptActivity, type WebhookActivityEvents } from '../../common/webhook-activity';
import { createWebhooksMetrics, WEBHOOKS_METRIC_NAMES, type PromClient, type ScrapeFigures, type WebhooksMetricSet } from './webhooks-metrics.definitions';
import { statusClass } from './status-class';

/** Longest wait for the database gauges; Prometheus' own scrape timeout defaults to 10 s. */
const SCRAPE_TIMEOUT_MS = 5_000;

/**
 * Prometheus metrics of the webhooks pipeline (names start with `webhooks_`), in the
 * registry given as `metrics.registry` or in one of the library's own. Counters are per
 * process; the database gauges are global (every instance reports the same figures).
 * On with the `metrics` option, which needs `prom-client` (an optional peer).
 *
 * @publicApi
 */
@Injectable()
export class WebhooksMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private registered?: Registry;
  private instruments?: WebhooksMetricSet;
  private readonly unsubscribe: Array<() => void> = [];
  private inFlightScrape?: Promise<ScrapeFigures | null>;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly activity: WebhookActivity,
    private readonly queries: OperationsQueries,
    private readonly publishBuffer: PublishBuffer,
  ) {}

  /** Where the metrics are registered: the host's registry, or the library's own. */
  get registry(): MetricsRegistry {
    if (!this.registered) throw new Error('nestjs-webhooks: metrics are off; turn them on with the `metrics` option (`metrics: {}`), which needs prom-client');
    return this.registered;
  }

  /** The `Content-Type` of `metrics()`: the Prometheus text format (or OpenMetrics, if the registry says so). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric of the registry in the text exposition format, for a `/metrics` route. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  async onModuleInit(): Promise<void> {
    if (!this.options.metrics) return;
    const promClient = await loadOptionalPeer<PromClient>('prom-client', 'The `metrics` option (Prometheus metrics)');
    const registry = (this.options.metrics.registry as Registry | undefined) ?? new promClient.Registry();
    const metrics = createWebhooksMetrics(promClient, registry, () => this.scrape(), () => this.publishBuffer.state().pending);
    this.registered = registry;
    this.instruments = metrics;
    this.observe('published', (event) => {
      metrics.eventsPublished.inc({ event_type: event.type });
      metrics.deliveriesCreated.inc({ event_type: event.type }, event.deliveryCount);
    });
    this.observe('attempted', (attempt) => this.recordAttempt(metrics, attempt));
    this.observe('publishFailed', (failure) => metrics.publishFailures.inc({ event_type: failure.type }));
    this.observe('publishRetried', (retry) => metrics.publishRetries.inc({ event_type: retry.type }));
    this.observe('publishDropped', (dropped) => metrics.publishDropped.inc({ event_type: dropped.type }));
    this.observe('staleWrite', () => metrics.staleWrites.inc());
    this.observe('postponed', (postponed) => metrics.postponements.inc({ reason: postponed.reason }));
  }

  onModuleDestroy(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    // A host registry outlives this module: leave it as it was, so a new instance can register again.
    if (this.instruments) for (const name of Object.values(WEBHOOKS_METRIC_NAMES)) this.registered?.removeSingleMetric(name);
    this.instruments = undefined;
  }

  private recordAttempt(metrics: WebhooksMetricSet, attempt: AttemptActivity): void {
    const status_class = statusClass(attempt.status);
    metrics.attempts.inc({ status_class });
    metrics.attemptDuration.observe({ status_class }, attempt.durationMs / 1000);
    if (attempt.outcome === 'retrying') return;
    metrics.deliveriesCompleted.inc({ outcome: attempt.outcome, event_type: attempt.eventType });
    if (attempt.outcome === 'succeeded') metrics.publishToSuccess.observe(Math.max(0, Date.now() - attempt.publishedAt.getTime()) / 1000);
  }

  /** The activity stream is synchronous inside the pipeline: an observer must never throw into it. */
  private observe<K extends keyof WebhookActivityEvents>(name: K, listener: (...payload: WebhookActivityEvents[K]) => void): void {
    const guarded = (...payload: WebhookActivityEvents[K]) => {
      try {
        listener(...payload);
      } catch (error) {
        this.logger.warn(`metrics: could not record ${name}: ${(error as Error).message}`);
      }
    };
    this.unsubscribe.push(this.activity.on(name, guarded));
  }

  /** One set of database reads per scrape, shared by the four gauges that a scrape collects together. */
  private scrape(): Promise<ScrapeFigures | null> {
    this.inFlightScrape ??= this.readFigures().finally(() => {
      this.inFlightScrape = undefined;
    });
    return this.inFlightScrape;
  }

  private async readFigures(): Promise<ScrapeFigures | null> {
    const now = new Date();
    try {
      const [backlog, endpoints] = await answerWithin(Promise.all([this.queries.backlog(now), this.queries.endpoints(now)]), SCRAPE_TIMEOUT_MS);
      return { backlog, endpoints };
    } catch (error) {
      this.instruments?.scrapeErrors.inc();
      this.logger.warn(`metrics: database gauges not read: ${(error as Error).message}`);
      return null;
    }
  }
}
