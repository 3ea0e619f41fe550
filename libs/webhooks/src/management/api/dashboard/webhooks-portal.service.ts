import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { DEFAULT_WEBHOOKS_API_PATH, WEBHOOKS_API_OPTIONS, type WebhooksApiModuleOptions } from '../webhooks-api.options';
import { DASHBOARD_ROUTE } from './dashboard.constants';
import { InvalidPortalTokenError, PORTAL_TOKEN_PREFIX, signPortalToken, verifyPortalToken } from './portal-token';

export const DEFAULT_PORTAL_TTL_SECONDS = 15 * 60;
export const MAX_PORTAL_TTL_SECONDS = 24 * 3600;
const MIN_SIGNING_KEY_LENGTH = 32;

export interface PortalLinkRequest {
  /** The only tenant the link shows. */
  tenantId: string;
  /** Lifetime in seconds; default the `portal.ttlSeconds` option. */
  ttlSeconds?: number;
  /** Where the host app is reached from the browser (with any global prefix), e.g. `https://app.example.com`. */
  baseUrl: string;
}

export interface PortalLink {
  /** The dashboard URL; the token is in the fragment, so it never reaches server logs or `Referer`. */
  url: string;
  token: string;
  expiresAt: Date;
}

/**
 * Mints and checks the customer-portal links of the dashboard.
 *
 * @publicApi
 */
@Injectable()
export class WebhooksPortal {
  constructor(@Inject(WEBHOOKS_API_OPTIONS) private readonly options: WebhooksApiModuleOptions) {
    const key = options.portal?.signingKey;
    if (options.portal && (typeof key !== 'string' || key.length < MIN_SIGNING_KEY_LENGTH)) {
      throw new Error(`portal.signingKey must be at least ${MIN_SIGNING_KEY_LENGTH} characters`);
    }
  }

  /** A link opening the dashboard as `tenantId` until it expires. */
  createLink(request: PortalLinkRequest, now: Date = new Date()): PortalLink {
    const signingKey = this.signingKey();
    if (typeof request.tenantId !== 'string' || request.tenantId.length === 0) throw new Error('tenantId is required');
    const ttl = request.ttlSeconds ?? this.options.portal?.ttlSeconds ?? DEFAULT_PORTAL_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_PORTAL_TTL_SECONDS) throw new Error(`ttlSeconds must be an integer from 1 to ${MAX_PORTAL_TTL_SECONDS}`);
    const expiresAt = Math.floor(now.getTime() / 1000) + ttl;
    const token = signPortalToken({ tenantId: request.tenantId, expiresAt }, signingKey);
    const path = (this.options.path ?? DEFAULT_WEBHOOKS_API_PATH).replace(/^\/+|\/+$/g, '');
    const url = `${request.baseUrl.replace(/\/+$/, '')}/${path}/${DASHBOARD_ROUTE}#portal=${encodeURIComponent(token)}`;
    return { url, token, expiresAt: new Date(expiresAt * 1000) };
  }

  /**
   * The tenant of a request carrying a portal token, undefined when it carries none (the host's
   * guards decide then); 401 for an expired, forged or malformed one.
   */
  tenantOf(request: { headers?: Record<string, string | string[] | undefined> }): string | undefined {
    const authorization = request.headers?.authorization;
    if (!this.options.portal || typeof authorization !== 'string') return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match || !match[1].startsWith(PORTAL_TOKEN_PREFIX)) return undefined;
    try {
      return verifyPortalToken(match[1], this.signingKey()).tenantId;
    } catch (error) {
      if (error instanceof InvalidPortalTokenError) throw new UnauthorizedException(error.message);
      throw error;
    }
  }

  private signingKey(): string {
    const key = this.options.portal?.signingKey;
    if (!key) throw new Error('portal links need WebhooksApiModule.forRoot({ portal: { signingKey } })');
    return key;
  }
}
