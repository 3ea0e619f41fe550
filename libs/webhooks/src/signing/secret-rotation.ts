import type { PreviousSecret } from '../storage/entities/endpoint.entity';

/** Previous secrets kept signing at most, by default; the oldest is dropped first. */
export const DEFAULT_MAX_PREVIOUS_SECRETS = 5;

/** The two fields a rotation changes. */
export interface RotatedSecrets {
  secret: string;
  previousSecrets: PreviousSecret[];
}

/**
 * The secrets of an endpoint after replacing its current secret with `newSecret`: the
 * replaced one keeps signing next to the new one for `overlapMs` (0: it stops at once),
 * previous secrets already expired at `now` are dropped, and at most `maxPrevious` remain
 * (the oldest dropped first). A previous secret equal to the new one is dropped too, so no
 * secret is listed twice. Pure: the caller stores the result.
 */
export function rotateSecrets(
  endpoint: { secret: string; previousSecrets: readonly PreviousSecret[] | null },
  newSecret: string,
  overlapMs: number,
  maxPrevious: number = DEFAULT_MAX_PREVIOUS_SECRETS,
  now: Date = new Date(),
): RotatedSecrets {
  if (!Number.isSafeInteger(overlapMs) || overlapMs < 0) throw new RangeError('overlapMs must be a non-negative integer');
  if (!Number.isSafeInteger(maxPrevious) || maxPrevious < 0) throw new RangeError('maxPrevious must be a non-negative integer');
  if (newSecret === endpoint.secret) throw new RangeError('the new secret must differ from the current secret');
  const stillSigning = (endpoint.previousSecrets ?? []).filter(
    (entry) => new Date(entry.expiresAt).getTime() > now.getTime() && entry.secret !== newSecret,
  );
  const replaced = overlapMs > 0 ? [{ secret: endpoint.secret, expiresAt: new Date(now.getTime() + overlapMs).toISOString() }] : [];
  const kept = [...stillSigning, ...replaced];
  return { secret: newSecret, previousSecrets: maxPrevious === 0 ? [] : kept.slice(-maxPrevious) };
}
