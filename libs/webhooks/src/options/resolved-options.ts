import type {
  EventTypeDefinition,
  HealthOptions,
  MetricsOptions,
  RetrySchedule,
  WebhooksModuleOptions,
} from './webhooks-options.interface';
import type { SecretEncryptionOptions } from './webhooks-options.interface';
import { systemResolver, type HostResolver } from '../common/host-resolver';
import { describeInvalidSchedule } from './retry-schedule';
import { DEFAULT_RETRY_AFTER_STATUSES, DEFAULT_RETRY_ON, describeInvalidRetryOn, describeInvalidStatuses, type RetryOnRule } from './retry-on';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** SPEC §3: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  delaysMs: [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
};

export const LIBRARY_USER_AGENT = 'NestJS-Webhooks/0.1';

/** The module options with every default filled in; what the rest of the library reads. */
export interface ResolvedWebhooksOptions {
  enabled: boolean;
  redis: WebhooksModuleOptions['redis'];
  queuePrefix: string;
  runMigrations: boolean;
  worker: boolean;
  concurrency: number;
  endpointConcurrency: number;
  pollIntervalMs: number;
  queueSettings: NonNullable<WebhooksModuleOptions['queueSettings']>;
  leaseMs: number;
  shutdownTimeoutMs: number;
  enqueueTimeoutMs: number;
  reconcileIntervalMs: number;
  reconcileGraceMs: number;
  listenTo: string[];
  eventTypes: EventTypeDefinition[];
  retry: RetrySchedule;
  retryJitter: number;
  retryOn: RetryOnRule;
  retryAfterStatuses: readonly number[];
  maxRetryAfterMs: number;
  timeoutMs: number;
  userAgent: string;
  allowHttp: boolean;
  allowedNetworks: string[];
  secretEncryption: SecretEncryptionOptions | null;
  legacySignatureHeader: boolean;
  resolveHost: HostResolver;
  failureThresholds: number[];
  circuitBreaker: { failureThreshold: number; cooldownMs: number; maxCooldownMs: number } | null;
  autoDisable: { afterFailures: number; minFailingMs: number } | null;
  retention: { succeededDays: number; failedDays: number; intervalMs: number; batchSize: number } | null;
  maxPayloadBytes: number;
  maxEndpointsPerTenant: number;
  maxConcurrentExports: number;
  publishBuffer: { maxEvents: number; drainTimeoutMs: number };
  /** Null when off. */
  ambientTransactions: { connectionName: string | undefined } | null;
  strict: boolean;
  health: Required<HealthOptions>;
  /** Null when metrics are off. */
  metrics: MetricsOptions | null;
}

export function resolveWebhooksOptions(options: WebhooksModuleOptions): ResolvedWebhooksOptions {
  // Endpoints with an unusable schedule of their own fall back to this one: it must be usable.
  const retryProblem = options.retry === undefined ? null : describeInvalidSchedule(options.retry);
  if (retryProblem) throw new Error(`WebhooksModule: retry ${retryProblem}`);
  const retryOnProblem = options.retryOn === undefined || typeof options.retryOn === 'function' ? null : describeInvalidRetryOn(options.retryOn);
  if (retryOnProblem) throw new Error(`WebhooksModule: retryOn ${retryOnProblem}`);
  const statusesProblem = options.retryAfterStatuses === undefined ? null : describeInvalidStatuses(options.retryAfterStatuses);
  if (statusesProblem) throw new Error(`WebhooksModule: retryAfterStatuses ${statusesProblem}`);
  return {
    enabled: options.enabled ?? true,
    redis: options.redis,
    queuePrefix: options.queuePrefix ?? 'bull',
    runMigrations: options.runMigrations ?? false,
    worker: options.worker ?? true,
    concurrency: options.concurrency ?? 16,
    endpointConcurrency: options.endpointConcurrency ?? Math.ceil((options.concurrency ?? 16) / 2),
    pollIntervalMs: options.pollIntervalMs ?? SECOND,
    queueSettings: { lockDuration: 10 * SECOND, stalledInterval: 2 * SECOND, maxStalledCount: 100, ...options.queueSettings },
    leaseMs: options.leaseMs ?? 10 * SECOND,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 10 * SECOND,
    enqueueTimeoutMs: options.enqueueTimeoutMs ?? 2 * SECOND,
    reconcileIntervalMs: options.reconcileIntervalMs ?? 30 * SECOND,
    reconcileGraceMs: options.reconcileGraceMs ?? 10 * SECOND,
    listenTo: options.listenTo ?? [],
    eventTypes: (options.eventTypes ?? []).map((t) => (typeof t === 'string' ? { name: t } : t)),
    retry: options.retry ?? DEFAULT_RETRY_SCHEDULE,
    retryJitter: options.retryJitter ?? 0.2,
    retryOn: options.retryOn ?? DEFAULT_RETRY_ON,
    retryAfterStatuses: options.retryAfterStatuses ?? DEFAULT_RETRY_AFTER_STATUSES,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 24 * HOUR,
    timeoutMs: options.timeoutMs ?? 15 * SECOND,
    userAgent: options.userAgent ?? LIBRARY_USER_AGENT,
    allowHttp: options.outbound?.allowHttp ?? false,
    allowedNetworks: options.outbound?.allowedNetworks ?? [],
    secretEncryption: options.secretEncryption ?? null,
    legacySignatureHeader: options.legacySignatureHeader ?? false,
    resolveHost: options.outbound?.resolveHost ?? systemResolver,
    failureThresholds: options.failureThresholds ?? [3, 5, 10],
    circuitBreaker:
      options.circuitBreaker === false
        ? null
        : {
            failureThreshold: options.circuitBreaker?.failureThreshold ?? 5,
            cooldownMs: options.circuitBreaker?.cooldownMs ?? 30 * SECOND,
            maxCooldownMs: options.circuitBreaker?.maxCooldownMs ?? 10 * MINUTE,
          },
    retention:
      options.retention === false
        ? null
        : {
            succeededDays: options.retention?.succeededDays ?? 90,
            failedDays: options.retention?.failedDays ?? 120,
            intervalMs: options.retention?.intervalMs ?? HOUR,
            batchSize: options.retention?.batchSize ?? 1_000,
          },
    autoDisable:
      options.autoDisable === false
        ? null
        : { afterFailures: options.autoDisable?.afterFailures ?? 10, minFailingMs: options.autoDisable?.minFailingMs ?? 24 * HOUR },
    maxPayloadBytes: options.maxPayloadBytes ?? 256 * 1024,
    maxEndpointsPerTenant: options.maxEndpointsPerTenant ?? 1_000,
    maxConcurrentExports: options.maxConcurrentExports ?? 2,
    publishBuffer: { maxEvents: options.publishBuffer?.maxEvents ?? 10_000, drainTimeoutMs: options.publishBuffer?.drainTimeoutMs ?? 10 * SECOND },
    ambientTransactions:
      options.ambientTransactions === true ? { connectionName: undefined } : options.ambientTransactions ? { connectionName: options.ambientTransactions.connectionName } : null,
    strict: options.strict ?? false,
    health: {
      maxBacklogLagMs: options.health?.maxBacklogLagMs ?? 5 * MINUTE,
      successRateWindowMs: options.health?.successRateWindowMs ?? 15 * MINUTE,
      healthySuccessRate: options.health?.healthySuccessRate ?? 0.95,
      degradedSuccessRate: options.health?.degradedSuccessRate ?? 0.8,
    },
    metrics: options.metrics === true ? {} : options.metrics ? { registry: options.metrics.registry } : null,
  };
}
