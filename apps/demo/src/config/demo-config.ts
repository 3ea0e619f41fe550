import { generateWebhookSecret, type WebhooksModuleOptions } from 'nestjs-webhooks';

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
  /** `api` serves HTTP only, `worker` delivers only, `all` (default) does both. */
  role: DemoRole;
  /** How many deliveries this process attempts at once. */
  concurrency: number | undefined;
  /** The library's feature flag: when false, routes behave the same and nothing is stored or sent. */
  webhooksEnabled: boolean;
  /** URLs registered at start for every event type (`*`). */
  endpointUrls: string[];
  /** Signing secret of those endpoints, also the secret the demo receiver verifies with. */
  endpointSecret: string;
  /** True when `endpointSecret` was generated at start (it then lives in memory only). */
  endpointSecretGenerated: boolean;
  /** Management API keys and the tenant each one acts for; empty: only portal links reach the API. */
  apiKeys: Record<string, string>;
  /** The demo's own customer account: its routes' events and its endpoints belong to it. */
  tenant: string;
}

export type DemoEnvironment = Record<string, string | undefined>;

export type DemoRole = 'api' | 'worker' | 'all';

export const DEFAULT_PORT = 3000;
export const DEFAULT_SQLITE_FILE = 'demo.sqlite';
/** Without REDIS_URL the library runs in embedded mode: no Redis, the database is polled. */
export const DEFAULT_REDIS_URL: string | undefined = undefined;
export const DEFAULT_QUEUE_PREFIX = 'webhooks-demo';
export const DEFAULT_TENANT = 'demo';
export const RECEIVER_PATH = '/receiver/hook';

export class DemoConfigError extends Error {
  override readonly name = 'DemoConfigError';
}

/**
 * Reads the environment:
 * - `PORT` (default 3000)
 * - `DATABASE_URL`: `postgres://…` for PostgreSQL, `sqlite:<path>` for SQLite; absent: SQLite file `demo.sqlite`
 * - `REDIS_URL` (absent or empty: no Redis, the library's embedded mode)
 * - `WEBHOOKS_ROLE`: `api`, `worker` or `all` (default)
 * - `WEBHOOKS_QUEUE_PREFIX` (default `webhooks-demo`), `WEBHOOKS_CONCURRENCY` (default: the library's)
 * - `WEBHOOKS_ENABLED` (default true; `false` or `0` disables)
 * - `DEMO_ENDPOINTS`: comma-separated URLs (default: the demo's own receiver; set but empty: none)
 * - `DEMO_ENDPOINT_SECRET`: `whsec_…` secret of those endpoints (default: generated, kept in memory)
 * - `DEMO_API_KEYS`: `key:tenant` pairs, comma-separated, for the management API (default: none:
 *   the demo ships no credentials of its own; the operator link printed at start opens the dashboard)
 * - `DEMO_TENANT`: the tenant of the demo's own events and endpoints (default `demo`)
 */
export function loadDemoConfig(env: DemoEnvironment = process.env, generateSecret: () => string = generateWebhookSecret): DemoConfig {
  const apiKeys = parseApiKeys(env.DEMO_API_KEYS);
  const port = parsePort(env.PORT);
  const secret = env.DEMO_ENDPOINT_SECRET?.trim();
  if (secret && !secret.startsWith('whsec_')) throw new DemoConfigError('DEMO_ENDPOINT_SECRET must start with "whsec_"');
  return {
    port,
    database: parseDatabaseUrl(env.DATABASE_URL),
    redis: env.REDIS_URL === undefined ? DEFAULT_REDIS_URL : env.REDIS_URL.trim() || undefined,
    queuePrefix: env.WEBHOOKS_QUEUE_PREFIX?.trim() || DEFAULT_QUEUE_PREFIX,
    role: parseRole(env.WEBHOOKS_ROLE),
    concurrency: parseConcurrency(env.WEBHOOKS_CONCURRENCY),
    webhooksEnabled: parseEnabled(env.WEBHOOKS_ENABLED),
    endpointUrls:
      env.DEMO_ENDPOINTS === undefined ? [ownReceiverUrl(port)] : env.DEMO_ENDPOINTS.split(',').map((url) => url.trim()).filter(Boolean),
    endpointSecret: secret || generateSecret(),
    endpointSecretGenerated: !secret,
    apiKeys,
    tenant: env.DEMO_TENANT?.trim() || DEFAULT_TENANT,
  };
}

/** `key:tenant,key2:tenant2`; absent or empty: no key. */
export function parseApiKeys(value: string | undefined): Record<string, string> {
  if (!value?.trim()) return {};
  const keys: Record<string, string> = {};
  for (const pair of value.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    const [key, tenant, ...rest] = pair.split(':').map((part) => part.trim());
    if (!key || !tenant || rest.length > 0) throw new DemoConfigError(`DEMO_API_KEYS entries must be key:tenant, got "${pair}"`);
    keys[key] = tenant;
  }
  return keys;
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

function parseRole(value: string | undefined): DemoRole {
  const role = value?.trim().toLowerCase() || 'all';
  if (role !== 'api' && role !== 'worker' && role !== 'all') throw new DemoConfigError(`WEBHOOKS_ROLE must be api, worker or all, got "${value}"`);
  return role;
}

function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const concurrency = Number(value);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new DemoConfigError(`WEBHOOKS_CONCURRENCY must be a positive integer, got "${value}"`);
  return concurrency;
}

function parseEnabled(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase();
  return !(normalized === 'false' || normalized === '0');
}
