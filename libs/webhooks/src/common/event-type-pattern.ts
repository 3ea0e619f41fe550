const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const WILDCARD = /^([A-Za-z0-9_-]+\.)*\*$/;
export const MAX_EVENT_TYPE_LENGTH = 255;

/** `invoice.paid`: dot-separated words of letters, digits, `_` and `-`. */
export function isValidEventType(type: string): boolean {
  return typeof type === 'string' && type.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE.test(type);
}

/** `*` or `resource.*` (any prefix ending in `.*`). */
export function isWildcardPattern(pattern: string): boolean {
  return typeof pattern === 'string' && pattern.length <= MAX_EVENT_TYPE_LENGTH && WILDCARD.test(pattern);
}

/**
 * Whether an event type matches a subscription pattern: an exact type, `*` (everything) or
 * `resource.*` (every type under `resource.`, at any depth). Used both for endpoint
 * subscriptions and for the domain-event patterns the listener forwards.
 */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export function matchesAnyEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => matchesEventType(pattern, type));
}
