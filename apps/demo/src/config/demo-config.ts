import { generateWebhookSecret, type WebhooksModuleOptions } from '@app/webhooks';

/** Where the demo keeps the webhook tables. */
export type DemoDatabase =
  | { type: 'postgres'; url: string }
  | { type: 'better-sqlite3'; database: string };

/** Everything the demo reads from its environment, read once in `loadDemoConfig`. */
export interface DemoConfig {
  /** HTTP port; 0 (tests only) picks a free one. */
  port: number;
  database: DemoDatabase;
  /** Redis of the delivery queue; `undefined` runs the library in embedded mode (no Redis). */
  redis: WebhooksModuleOptions['redis'];
  /** Prefix of the queue keys in Redis, so the demo does not share a queue with other apps. */
  queuePrefix: string;
  /** The library's feature flag: when false, routes behave the same and nothing is stored or sent. */
  webhooksEnabled: boolean;
  /** URLs registered at start for every event type (`*`). */
  endpointUrls: string[];
  /** Signing secret of those endpoints, also the secret the demo receiver verifies with. */
  endpointSecret: string;
  /** True when `endpointSecret` was generated at start (it then lives in memory only). */
  endpointSecretGenerated: boolean;
}

export type DemoEnvironment = Record<string, string | undefined>;

export const DEFAULT_PORT = 3000;
export const DEFAULT_SQLITE_FILE = 'demo.sqlite';
/**
 * Used while REDIS_URL is absent. Kept on a local Redis for now; making this `undefined` is
 * all it takes for an absent REDIS_URL to mean embedded mode, as an empty REDIS_URL does.
 */
export const DEFAULT_REDIS_URL: string | undefined = 'redis://127.0.0.1:6379';
export const DEFAULT_QUEUE_PREFIX = 'webhooks-demo';
export const RECEIVER_PATH = '/receiver/hook';

export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

/**
 * Reads the environment:
 * - `PORT` (default 3000)
 * - `DATABASE_URL`: `postgres://…` for PostgreSQL, `sqlite:<path>` for SQLite; absent: SQLite file `demo.sqlite`
 * - `REDIS_URL` (default `redis://127.0.0.1:6379`; set but empty: no Redis, the library's embedded mode)
 * - `WEBHOOKS_ENABLED` (default true; `false` or `0` disables)
 * - `DEMO_ENDPOINTS`: comma-separated URLs (default: the demo's own receiver; set but empty: none)
 * - `DEMO_ENDPOINT_SECRET`: `whsec_…` secret of those endpoints (default: generated, kept in memory)
 */
export function loadDemoConfig(env: DemoEnvironment = process.env, generateSecret: () => string = generateWebhookSecret): DemoConfig {
  const port = parsePort(env.PORT);
  const secret = env.DEMO_ENDPOINT_SECRET?.trim();
  if (secret && !secret.startsWith('whsec_')) throw new DemoConfigError('DEMO_ENDPOINT_SECRET must start with "whsec_"');
  return {
    port,
    database: parseDatabaseUrl(env.DATABASE_URL),
    redis: env.REDIS_URL === undefined ? DEFAULT_REDIS_URL : env.REDIS_URL.trim() || undefined,
    queuePrefix: DEFAULT_QUEUE_PREFIX,
    webhooksEnabled: parseEnabled(env.WEBHOOKS_ENABLED),
    endpointUrls:
      env.DEMO_ENDPOINTS === undefined ? [ownReceiverUrl(port)] : env.DEMO_ENDPOINTS.split(',').map((url) => url.trim()).filter(Boolean),
    endpointSecret: secret || generateSecret(),
    endpointSecretGenerated: !secret,
  };
}

/** The demo's own receiver on loopback. */
export function ownReceiverUrl(port: number): string {
  return `http://127.0.0.1:${port}${RECEIVER_PATH}`;
}

export function parseDatabaseUrl(url: string | undefined): DemoDatabase {
  const value = url?.trim();
  if (!value) return { type: 'better-sqlite3', database: DEFAULT_SQLITE_FILE };
  if (/^postgres(ql)?:\/\//i.test(value)) return { type: 'postgres', url: value };
  if (/^sqlite:/i.test(value)) {
    // sqlite:demo.sqlite, sqlite:./data/demo.sqlite, sqlite:///var/data/demo.sqlite
    const path = value.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new DemoConfigError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:demo.sqlite');
    return { type: 'better-sqlite3', database: path };
  }
  throw new DemoConfigError('DATABASE_URL must start with postgres://, postgresql:// or sqlite:');
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  // Not 0: the default endpoint is the demo's own receiver, whose port must be known up front.
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DemoConfigError(`PORT must be a port number, got "${value}"`);
  return port;
}

function parseEnabled(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase();
  return !(normalized === 'false' || normalized === '0');
}
