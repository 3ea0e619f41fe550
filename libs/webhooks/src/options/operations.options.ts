/** Options of the health indicator and the metrics. */
// NOTE: no type here comes from an optional peer (Bull, prom-client): a host that does not
// install them compiles against these declarations all the same.

/** A prom-client `Registry`, typed by what the library uses of it. */
export interface MetricsRegistry {
  readonly contentType: string;
  metrics(): Promise<string>;
  removeSingleMetric(name: string): void;
}

/** Thresholds of `WebhooksHealthIndicator`. */
export interface HealthOptions {
  /**
   * The indicator is down when the oldest due delivery has waited longer than this, in ms:
   * workers are missing, stuck or too few. Default 300 000 (5 min).
   */
  maxBacklogLagMs?: number;
  /**
   * How far back the delivery success rate looks, in ms. It counts deliveries, not attempts:
   * those that succeeded or failed for good in the window, and those waiting for a retry
   * after a failed attempt in it. Default 900 000 (15 min).
   */
  successRateWindowMs?: number;
  /** A success rate at or above this (0 to 1) is healthy. Default 0.95. */
  healthySuccessRate?: number;
  /**
   * At or above this (0 to 1) and below `healthySuccessRate` the success rate is degraded;
   * below it, unhealthy. Either way the indicator reports `degraded`, never down: failing
   * receivers are not an outage of the sender. Default 0.8.
   */
  degradedSuccessRate?: number;
}

/** Where `WebhooksMetrics` registers its Prometheus metrics. */
export interface MetricsOptions {
  /**
   * A prom-client `Registry` of the host's (e.g. prom-client's global `register`), so one
   * scrape serves the host's metrics and the library's. Default: a registry of the library's
   * own, served by `WebhooksMetrics.metrics()`.
   */
  registry?: MetricsRegistry;
}
