/** Classes of failed attempts a retry rule can name besides status codes. */
export type RetryOnClass = '3xx' | '4xx' | '5xx' | 'timeout' | 'network';

/** A failed attempt, as a retry rule sees it. */
export interface AttemptFailure {
  /** The HTTP status; null when no response arrived. */
  status: number | null;
  /** `timeout`, or `network` (refused, reset, DNS, an address the outbound policy refuses); null with a status. */
  failure: 'timeout' | 'network' | null;
  /** Why no response arrived, in words. */
  error: string | null;
}

/**
 * Which failed attempts are retried: the statuses and classes listed (any other failure is
 * final), or a function of the failure (module option only). A 410 Gone that is not retried
 * disables the endpoint.
 */
export type RetryOnRule = RetryOnList | ((failure: AttemptFailure) => boolean);

/** A retry rule as a list: HTTP statuses (300 to 599) and classes. An endpoint's own rule is one. */
export type RetryOnList = ReadonlyArray<number | RetryOnClass>;

/** The default: 3xx, 408, 429, 5xx, timeouts and network errors retry; other 4xx are final (410 disables). */
export const DEFAULT_RETRY_ON: RetryOnList = ['3xx', 408, 429, '5xx', 'timeout', 'network'];

/** Statuses whose `Retry-After` is honoured by default. */
export const DEFAULT_RETRY_AFTER_STATUSES: readonly number[] = [429, 503];

const CLASSES: readonly string[] = ['3xx', '4xx', '5xx', 'timeout', 'network'];

/** Whether the rule retries the failure. A function that throws is answered by the default rule. */
export function retries(rule: RetryOnRule, failure: AttemptFailure): boolean {
  if (typeof rule === 'function') {
    try {
      return rule(failure) === true;
    } catch {
      return retries(DEFAULT_RETRY_ON, failure);
    }
  }
  if (failure.status === null) return rule.includes(failure.failure ?? 'network');
  const statusClass = `${Math.floor(failure.status / 100)}xx` as RetryOnClass;
  return rule.includes(failure.status) || rule.includes(statusClass);
}

/** Why a stored (array) rule cannot be used, or null. */
export function describeInvalidRetryOn(rule: unknown): string | null {
  if (!Array.isArray(rule)) return 'must be a list of HTTP statuses (300 to 599) and classes (3xx, 4xx, 5xx, timeout, network)';
  if (rule.length > 50) return 'must list at most 50 statuses and classes';
  for (const entry of rule) {
    const status = typeof entry === 'number' && Number.isInteger(entry) && entry >= 300 && entry <= 599;
    if (!status && !CLASSES.includes(entry as string)) return `"${String(entry).slice(0, 20)}" is neither an HTTP status from 300 to 599 nor one of 3xx, 4xx, 5xx, timeout, network`;
  }
  return null;
}

/** Why a list of statuses honouring `Retry-After` cannot be used, or null. */
export function describeInvalidStatuses(statuses: unknown): string | null {
  if (!Array.isArray(statuses) || statuses.some((s) => !(typeof s === 'number' && Number.isInteger(s) && s >= 300 && s <= 599))) {
    return 'must be a list of HTTP statuses from 300 to 599';
  }
  return null;
}
