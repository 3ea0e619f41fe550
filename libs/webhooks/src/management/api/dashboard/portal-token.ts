import { createHmac, timingSafeEqual } from 'node:crypto';

/** Every portal token starts with this, so the API guard can tell it from the host's bearer tokens. */
export const PORTAL_TOKEN_PREFIX = 'whp_';

export interface PortalClaims {
  /** The tenant the token acts for. */
  tenantId: string;
  /** Unix seconds after which the token is refused. */
  expiresAt: number;
}

export class InvalidPortalTokenError extends Error {}

/**
 * `whp_<base64url JSON {t, exp}>.<base64url HMAC-SHA256(key, payload)>`: self-contained, so
 * any API instance sharing the key checks it without storage.
 */
export function signPortalToken(claims: PortalClaims, signingKey: string): string {
  const payload = Buffer.from(JSON.stringify({ t: claims.tenantId, exp: claims.expiresAt })).toString('base64url');
  return `${PORTAL_TOKEN_PREFIX}${payload}.${mac(payload, signingKey)}`;
}

/** The claims of a token signed with `signingKey` and not expired at `now`; throws otherwise. */
export function verifyPortalToken(token: string, signingKey: string, now: Date = new Date()): PortalClaims {
  if (!token.startsWith(PORTAL_TOKEN_PREFIX)) throw new InvalidPortalTokenError('not a portal token');
  const [payload, signature, ...rest] = token.slice(PORTAL_TOKEN_PREFIX.length).split('.');
  if (!payload || !signature || rest.length > 0) throw new InvalidPortalTokenError('malformed portal token');
  const expected = Buffer.from(mac(payload, signingKey));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidPortalTokenError('portal token signature does not match');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPortalTokenError('malformed portal token');
  }
  const { t, exp } = (claims ?? {}) as { t?: unknown; exp?: unknown };
  if (typeof t !== 'string' || t.length === 0 || typeof exp !== 'number') throw new InvalidPortalTokenError('malformed portal token');
  if (exp * 1000 <= now.getTime()) throw new InvalidPortalTokenError('portal token expired');
  return { tenantId: t, expiresAt: exp };
}

function mac(payload: string, signingKey: string): string {
  return createHmac('sha256', signingKey).update(`webhooks-portal.${payload}`).digest('base64url');
}
