import type { DeliveryQueueSettings, RedisClusterConnection, RedisConnectionOptions } from './connection.options';
import type { HealthOptions, MetricsOptions } from './operations.options';
import type { OutboundPolicyOptions } from './outbound.options';
import type { RetrySchedule } from './retry-schedule.types';
import type { RetryOnRule } from './retry-on';
import type { SecretEncryptionOptions } from './secret-encryption.options';

export type { DeliveryQueueSettings, RedisClusterConnection, RedisConnectionOptions } from './connection.options';
export type { HealthOptions, MetricsOptions, MetricsRegistry } from './operations.options';
export type { OutboundPolicyOptions } from './outbound.options';
export type { ExponentialRetrySchedule, RetryDelaysSchedule, RetrySchedule } from './retry-schedule.types';
export type { AttemptFailure, RetryOnClass, RetryOnList, RetryOnRule } from './retry-on';
export type { SecretEncryptionKey, SecretEncryptionOptions } from './secret-encryption.options';

/** An entry of the event type catalog. */
export interface EventTypeDefinition {
  /** `resource.action`, e.g. `invoice.paid`. */
  name: string;
  description?: string;
  /** JSON schema of the `data` field, shown to subscribers. */
  schema?: Record<string, unknown>;
  /** An example `data` payload, shown to subscribers. */
  example?: unknown;
}

/** Options of `WebhooksModule.forRoot` / `forRootAsync`. */
export interface WebhooksModuleOptions {
  /**
   * Feature flag. When false, decorated methods behave exactly as without the decorator,
   * listeners ignore domain events and nothing is written or sent. Default true.
   */
  enabled?: boolean;
  /**
   * Redis connection for the Bull queue: a `redis://` URL, ioredis options (Sentinel
   * included), or `{ cluster: { nodes, options } }` for a Redis Cluster (needs `ioredis`, which
   * comes with Bull). Without it the module runs in embedded mode: this process polls the
   * database for due deliveries.
   */
  redis?: string | RedisConnectionOptions | RedisClusterConnection;
  /** Prefix of the Bull keys in Redis. Default `bull`; on a cluster, in braces (`{bull}`) so that every key of the queue is in one slot. */
  queuePrefix?: string;
  /**
   * Run the DataSource's pending migrations (the library's and the app's) when the module
   * starts, one process at a time: under an advisory lock on PostgreSQL and MySQL/MariaDB, so
   * processes starting together do not race (TypeORM's own `migrationsRun` does). Use it
   * instead of `migrationsRun`, or run the migrations once before starting. Default false.
   */
  runMigrations?: boolean;
  /** Whether this process runs delivery workers. Default true. */
  worker?: boolean;
  /** How often the reconciler looks for due deliveries the queue lost, in ms; 0 turns it off. Default 30 000. */
  reconcileIntervalMs?: number;
  /** A delivery due for longer than this (ms) without being attempted counts as lost. Default 10 000. */
  reconcileGraceMs?: number;
  /**
   * Bull settings of the delivery queue. The library's defaults let a live worker take over
   * the jobs of a dead one within about 15 s: `lockDuration` 10 000, `stalledInterval` 2 000
   * (Bull moves a job whose lock has expired at the second check that finds it unrenewed),
   * `maxStalledCount` 100. Backoff strategies are the library's.
   */
  queueSettings?: DeliveryQueueSettings;
  /**
   * A worker holds a delivery it attempts under a lease of this many ms, which it renews (every
   * third of it) while the attempt runs; a worker that stops renewing (it died) loses the
   * delivery when the lease ends, and another one attempts it. Default 10 000.
   */
  leaseMs?: number;
  /**
   * At shutdown (SIGTERM, `app.close()`), how long the requests being sent may take to finish,
   * in ms; deliveries not sent yet are put back at once, due now, for another worker, and so
   * are those still out when this has passed. Default 10 000.
   */
  shutdownTimeoutMs?: number;
  /**
   * Longest wait for the queue when handing it new deliveries, in ms. Past it, publish
   * returns anyway and the reconciler queues them once Redis answers. Default 2 000.
   */
  enqueueTimeoutMs?: number;
  /** Embedded mode: how often the database is polled for due deliveries, in ms. Default 1 000. */
  pollIntervalMs?: number;
  /** How many deliveries one process attempts at the same time. Default 16. */
  concurrency?: number;
  /**
   * Most attempts in flight to one endpoint in one process, so that an endpoint that answers
   * slowly or never cannot take every slot of `concurrency`: past it, deliveries to a slow
   * endpoint (a request out for over a second) are postponed without spending an attempt.
   * Default: half of `concurrency`, rounded up.
   */
  endpointConcurrency?: number;
  /**
   * EventEmitter2 event names (or patterns with `*`) that become webhooks of the same type,
   * e.g. `['payment.*', 'invoice.created']`. Default none.
   */
  listenTo?: string[];
  /** The event type catalog. Types named by `@EmitsWebhook` are added to it. */
  eventTypes?: Array<EventTypeDefinition | string>;
  /**
   * When to retry. Default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Like an
   * endpoint's own schedule: at most 50 attempts, each delay at most 7 days, all of them
   * adding up to at most 30 days (the module refuses to start otherwise).
   */
  retry?: RetrySchedule;
  /** Random spread applied to each retry delay, as a fraction. Default 0.2 (±20 %). */
  retryJitter?: number;
  /**
   * Which failed attempts retry: HTTP statuses (300 to 599) and classes (`3xx`, `4xx`, `5xx`,
   * `timeout`, `network`), or a function of the failure. Any other failure is final (a 410 that
   * does not retry disables the endpoint). An endpoint's own `retryOn` list replaces it.
   * Default `['3xx', 408, 429, '5xx', 'timeout', 'network']`: other 4xx are final.
   */
  retryOn?: RetryOnRule;
  /** Statuses whose `Retry-After` header sets the earliest next attempt. Default `[429, 503]`. */
  retryAfterStatuses?: number[];
  /** Longest `Retry-After` honoured, in milliseconds. Default 24 h; no retry waits more than 7 days. */
  maxRetryAfterMs?: number;
  /** Request timeout in milliseconds, unless the endpoint sets its own. Default 15 000. */
  timeoutMs?: number;
  /** `User-Agent` header of outbound requests. Default `NestJS-Webhooks/<version>`. */
  userAgent?: string;
  /** Outbound address policy (SSRF protection). */
  outbound?: OutboundPolicyOptions;
  /**
   * Encrypts endpoint secrets at rest with AES-256-GCM. Required when `NODE_ENV` is
   * `production` (the module refuses to start without it). Elsewhere, without it, secrets
   * are stored in plaintext marked `plain:` and a warning is logged once.
   */
  secretEncryption?: SecretEncryptionOptions;
  /**
   * Also send `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the
   * endpoint's secret string, to every HMAC endpoint: for receivers written to that older
   * convention. Endpoints can also turn it on one by one. Default false.
   */
  legacySignatureHeader?: boolean;
  /**
   * Per-endpoint circuit breaker, shared by all workers through the database: after
   * `failureThreshold` consecutive failed attempts the endpoint's deliveries wait
   * `cooldownMs` (doubling on each failed probe, up to `maxCooldownMs`) without spending
   * attempts; then one delivery probes it. `false` turns it off.
   */
  circuitBreaker?: false | { failureThreshold?: number; cooldownMs?: number; maxCooldownMs?: number };
  /**
   * Disable an endpoint automatically when it has failed `afterFailures` times in a row and
   * has been failing for at least `minFailingMs`. `false` turns it off. Default 10 and 24 h.
   */
  autoDisable?: false | { afterFailures?: number; minFailingMs?: number };
  /**
   * Periodic cleanup: succeeded deliveries are removed after `succeededDays` (default 90),
   * failed and cancelled ones after `failedDays` (default 120), with their attempts and the
   * events left without deliveries, `batchSize` rows at a time (default 1 000), every
   * `intervalMs` (default 1 h). `false` turns it off.
   */
  retention?: false | { succeededDays?: number; failedDays?: number; intervalMs?: number; batchSize?: number };
  /** Consecutive failure counts at which the host is told (`webhooks.endpoint.failing`). Default [3, 5, 10]. */
  failureThresholds?: number[];
  /** Largest serialized `data` accepted by publish, in bytes. Default 256 KiB. */
  maxPayloadBytes?: number;
  /**
   * Most live (not deleted) endpoints one tenant may have; endpoints without a tenant count as
   * one more tenant. `EndpointsService.create` and `ensure` (so `POST /endpoints`) refuse more
   * with 409. Checked before each insert: creates racing each other may pass it by a few.
   * Default 1 000.
   */
  maxEndpointsPerTenant?: number;
  /**
   * Most delivery exports (`GET /deliveries/export`) streaming at once in this process: each
   * holds a database connection while its client reads. Past it the API answers 429 with
   * `Retry-After`. Default 2.
   */
  maxConcurrentExports?: number;
  /**
   * Where events of decorated methods and domain events wait while the database does not
   * answer (see the README, "Publishing when the database is down"): at most `maxEvents`
   * (default 10 000; past it new events are refused, logged and counted), kept trying for
   * `drainTimeoutMs` at shutdown (default 10 000).
   */
  publishBuffer?: { maxEvents?: number; drainTimeoutMs?: number };
  /**
   * Write the event of an async `@EmitsWebhook` method in the transaction the method runs in,
   * when that is a transaction of `@nestjs-cls/transactional` (an optional peer, with its
   * TypeORM adapter) on the library's DataSource: it commits or rolls back with the caller's
   * own writes (a transactional outbox without passing a manager). `true`, or
   * `{ connectionName }` for a plugin registered with one. Default off.
   */
  ambientTransactions?: boolean | { connectionName?: string };
  /**
   * When true, an async `@EmitsWebhook` method stores its event before it returns, and a failure
   * to store it reaches the caller. Default false: it is logged and counted, and the event is
   * kept and stored once the database answers.
   */
  strict?: boolean;
  /** Thresholds of the health indicator (backlog lag, success rate). */
  health?: HealthOptions;
  /**
   * Prometheus metrics through `WebhooksMetrics`: `{}` (or `true`) turns them on in a registry of
   * the library's own, `{ registry }` in the host's. Needs `prom-client`. Default off.
   */
  metrics?: boolean | MetricsOptions;
}
