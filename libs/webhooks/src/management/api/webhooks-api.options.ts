import type { CanActivate, ModuleMetadata, Type } from '@nestjs/common';

/**
 * Finds the caller's tenant from the request (after the host's guards ran). Returning null,
 * undefined or an empty string answers 401.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the request type is the host's (Express, Fastify, ...)
export type TenantResolver = (request: any) => string | null | undefined | Promise<string | null | undefined>;

/** Options of `WebhooksApiModule.forRoot`. */
export interface WebhooksApiModuleOptions {
  /** Route prefix of every management route. Default `webhooks`. */
  path?: string;
  /**
   * Guards run, in order, before every route (e.g. an API-key or session guard). They are
   * instantiated in this module: list the modules providing their dependencies in `imports`.
   */
  guards?: Type<CanActivate>[];
  /** Modules whose providers the guards need. */
  imports?: ModuleMetadata['imports'];
  /** Every route is scoped to the tenant returned here; another tenant's resources answer 404. */
  resolveTenant: TenantResolver;
  /** Serve the web dashboard at `<path>/dashboard` (static page; its data comes through these guarded routes). Default false. */
  dashboard?: boolean;
  /**
   * Customer portal: `WebhooksPortal.createLink` mints short-lived dashboard links scoped to one
   * tenant. A request carrying such a token (`Authorization: Bearer whp_…`) is let in INSTEAD of
   * the host's guards, for the token's tenant only.
   */
  portal?: WebhooksPortalOptions;
}

/** Options of the customer portal links. */
export interface WebhooksPortalOptions {
  /** HMAC-SHA256 key signing the links, at least 32 characters; links signed with another key are refused. */
  signingKey: string;
  /** Default lifetime of a link, in seconds. Default 900 (15 minutes); at most 86400. */
  ttlSeconds?: number;
}

export const WEBHOOKS_API_OPTIONS = 'WEBHOOKS:API_OPTIONS';
export const WEBHOOKS_API_HOST_GUARDS = 'WEBHOOKS:API_HOST_GUARDS';
export const DEFAULT_WEBHOOKS_API_PATH = 'webhooks';
