/** How the module reaches Redis for its Bull queue. */
// NOTE: no type here comes from an optional peer (Bull, prom-client): a host that does not
// install them compiles against these declarations all the same.

/**
 * ioredis connection options (host, port, password, db, tls, ...), passed to Bull as they are.
 * Behind Sentinel: `{ sentinels: [{ host, port }], name: 'mymaster' }` (and `sentinelPassword`, ...).
 */
export interface RedisConnectionOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, unknown>;
  [option: string]: unknown;
}

/** Bull's queue settings the host may tune (see Bull's `AdvancedSettings`). */
export interface DeliveryQueueSettings {
  /** How long a worker holds a job's lock, in ms; a worker that stops renewing it is presumed dead. Bull's default 30 000. */
  lockDuration?: number;
  /** How often the lock is renewed, in ms. Default: half of `lockDuration`. */
  lockRenewTime?: number;
  /** How often Bull looks for jobs whose worker died (stalled), in ms. Bull's default 30 000. */
  stalledInterval?: number;
  /** How many times a job may stall before Bull fails it. Bull's default 1. */
  maxStalledCount?: number;
  /** Bull's timer for delayed jobs, in ms. Bull's default 5 000. */
  guardInterval?: number;
  /** Delay before processing the next job after an internal error, in ms. Bull's default 5 000. */
  retryProcessDelay?: number;
  /** How long a blocking wait for new jobs lasts, in seconds. Bull's default 5. */
  drainDelay?: number;
}

/** A Redis Cluster: its seed nodes, and ioredis `Cluster` options (`redisOptions` for each node). */
export interface RedisClusterConnection {
  cluster: {
    nodes: ReadonlyArray<string | { host: string; port: number }>;
    options?: { redisOptions?: Record<string, unknown>; [option: string]: unknown };
  };
}

/** Whether the `redis` option names a cluster. */
export function isRedisCluster(redis: unknown): redis is RedisClusterConnection {
  return typeof redis === 'object' && redis !== null && 'cluster' in redis;
}
