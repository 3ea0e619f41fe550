import type { Registry } from 'prom-client';

/** The prom-client module (an optional peer, loaded by `WebhooksMetrics`). */
export type PromClient = typeof import('prom-client');
import { DUE_COUNT_LIMIT, type Backlog, type EndpointCounts } from '../../storage/queries/operations.queries';

/** What the database gauges show, read once per scrape; null when the reads failed. */
export interface ScrapeFigures {
  backlog: Backlog;
  endpoints: EndpointCounts;
}

/** Every metric the library registers, by its key in the metric set. */
export const WEBHOOKS_METRIC_NAMES = {
  eventsPublished: 'webhooks_events_published_total',
  deliveriesCreated: 'webhooks_deliveries_created_total',
  deliveriesCompleted: 'webhooks_deliveries_completed_total',
  attempts: 'webhooks_attempts_total',
  attemptDuration: 'webhooks_attempt_duration_seconds',
  publishToSuccess: 'webhooks_publish_to_success_seconds',
  publishFailures: 'webhooks_publish_failures_total',
  publishRetries: 'webhooks_publish_retries_total',
  publishDropped: 'webhooks_publish_dropped_total',
  publishBufferEvents: 'webhooks_publish_buffer_events',
  postponements: 'webhooks_postponements_total',
  staleWrites: 'webhooks_stale_writes_total',
  backlogDue: 'webhooks_backlog_due_deliveries',
  backlogOldestDueAge: 'webhooks_backlog_oldest_due_age_seconds',
  endpoints: 'webhooks_endpoints',
  openCircuits: 'webhooks_endpoints_circuit_open',
  scrapeErrors: 'webhooks_metrics_scrape_errors_total',
} as const;

/** Attempts take up to the longest endpoint timeout (60 s). */
const ATTEMPT_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];
/** From well under a second (first attempt) to the end of the default schedule (about 27.5 h). */
const PUBLISH_TO_SUCCESS_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 7200, 18000, 36000, 86400, 172800];

/**
 * The library's Prometheus metrics, registered in `registry`. Counters and histograms move
 * as the pipeline reports activity; the gauges read the database when scraped.
 */
export function createWebhooksMetrics(
  { Counter, Gauge, Histogram }: PromClient,
  registry: Registry,
  scrape: () => Promise<ScrapeFigures | null>,
  publishBufferEvents: () => number,
) {
  const registers = [registry];
  return {
    eventsPublished: new Counter({
      name: WEBHOOKS_METRIC_NAMES.eventsPublished,
      help: 'Events stored and fanned out to their endpoints (idempotent repeats not counted).',
      labelNames: ['event_type'] as const,
      registers,
    }),
    deliveriesCreated: new Counter({
      name: WEBHOOKS_METRIC_NAMES.deliveriesCreated,
      help: 'Deliveries created by published events, one per subscribed endpoint.',
      labelNames: ['event_type'] as const,
      registers,
    }),
    deliveriesCompleted: new Counter({
      name: WEBHOOKS_METRIC_NAMES.deliveriesCompleted,
      help: 'Deliveries that reached a final outcome after an attempt: succeeded, or failed (dead-lettered or refused for good).',
      labelNames: ['outcome', 'event_type'] as const,
      registers,
    }),
    attempts: new Counter({
      name: WEBHOOKS_METRIC_NAMES.attempts,
      help: 'HTTP attempts made, by response status class (error: no response, e.g. timeout or refused connection).',
      labelNames: ['status_class'] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: WEBHOOKS_METRIC_NAMES.attemptDuration,
      help: 'Duration of HTTP attempts, by response status class.',
      labelNames: ['status_class'] as const,
      buckets: ATTEMPT_DURATION_BUCKETS,
      registers,
    }),
    publishToSuccess: new Histogram({
      name: WEBHOOKS_METRIC_NAMES.publishToSuccess,
      help: 'Time from publishing an event to the successful attempt of a delivery, retries included.',
      buckets: PUBLISH_TO_SUCCESS_BUCKETS,
      registers,
    }),
    publishFailures: new Counter({
      name: WEBHOOKS_METRIC_NAMES.publishFailures,
      help: 'Events that could not be recorded or queued from @EmitsWebhook or the listener (logged, not thrown).',
      labelNames: ['event_type'] as const,
      registers,
    }),
    publishRetries: new Counter({
      name: WEBHOOKS_METRIC_NAMES.publishRetries,
      help: 'Failed attempts to store an event of @EmitsWebhook or the listener, kept in the publish buffer to try again (the database did not answer).',
      labelNames: ['event_type'] as const,
      registers,
    }),
    publishDropped: new Counter({
      name: WEBHOOKS_METRIC_NAMES.publishDropped,
      help: 'Events of @EmitsWebhook or the listener refused because the publish buffer was full (publishBuffer.maxEvents).',
      labelNames: ['event_type'] as const,
      registers,
    }),
    publishBufferEvents: new Gauge({
      name: WEBHOOKS_METRIC_NAMES.publishBufferEvents,
      help: 'Events of @EmitsWebhook or the listener waiting in this process to be stored (being stored, or waiting for the database).',
      registers,
      collect() {
        this.set(publishBufferEvents());
      },
    }),
    postponements: new Counter({
      name: WEBHOOKS_METRIC_NAMES.postponements,
      help: 'Times a due delivery was put back without an attempt, by reason (circuit-open, rate-limited, endpoint-busy).',
      labelNames: ['reason'] as const,
      registers,
    }),
    staleWrites: new Counter({
      name: WEBHOOKS_METRIC_NAMES.staleWrites,
      help: 'Writes of a worker about a delivery that changed nothing because its lease had passed to another worker (it was presumed dead).',
      registers,
    }),
    backlogDue: new Gauge({
      name: WEBHOOKS_METRIC_NAMES.backlogDue,
      help: `Deliveries due now and not yet attempted (counted up to ${DUE_COUNT_LIMIT}), read from the database on scrape.`,
      registers,
      async collect() {
        const figures = await scrape();
        if (figures) this.set(figures.backlog.due);
        else this.remove();
      },
    }),
    backlogOldestDueAge: new Gauge({
      name: WEBHOOKS_METRIC_NAMES.backlogOldestDueAge,
      help: 'How long the oldest due delivery has been waiting (0 when none is), read from the database on scrape.',
      registers,
      async collect() {
        const figures = await scrape();
        if (figures) this.set(figures.backlog.oldestDueMs / 1000);
        else this.remove();
      },
    }),
    endpoints: new Gauge({
      name: WEBHOOKS_METRIC_NAMES.endpoints,
      help: 'Endpoints by status (active, paused, disabled), deleted ones left out, read from the database on scrape.',
      labelNames: ['status'] as const,
      registers,
      async collect() {
        const figures = await scrape();
        this.reset();
        for (const [status, count] of Object.entries(figures?.endpoints.byStatus ?? {})) this.set({ status }, count);
      },
    }),
    openCircuits: new Gauge({
      name: WEBHOOKS_METRIC_NAMES.openCircuits,
      help: 'Endpoints whose circuit breaker is open now, read from the database on scrape.',
      registers,
      async collect() {
        const figures = await scrape();
        if (figures) this.set(figures.endpoints.openCircuits);
        else this.remove();
      },
    }),
    scrapeErrors: new Counter({
      name: WEBHOOKS_METRIC_NAMES.scrapeErrors,
      help: 'Scrapes whose database reads failed; the database gauges are left out of those scrapes.',
      registers,
      // Waits for this scrape's reads, so that a failure shows in the same scrape.
      async collect() {
        await scrape();
      },
    }),
  };
}

export type WebhooksMetricSet = ReturnType<typeof createWebhooksMetrics>;
