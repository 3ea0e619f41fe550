import type { INestApplication } from '@nestjs/common';
import { WebhooksPortal, type PortalLink } from 'nestjs-webhooks/api';
import type { DemoConfig } from '../config/demo-config';

/** How long the link printed at start opens the dashboard: a working day. */
export const OPERATOR_LINK_TTL_SECONDS = 12 * 60 * 60;

/**
 * A dashboard link for the demo's own tenant, minted at start and printed, so that whoever
 * started the demo opens the dashboard in a browser (a browser sends no API-key header). It
 * is a credential while it lasts; without DEMO_PORTAL_KEY the signing key is generated at
 * start, so a restart ends it.
 */
export function operatorLink(app: INestApplication, config: DemoConfig, baseUrl: string): PortalLink {
  return app.get(WebhooksPortal).createLink({ tenantId: config.tenant, baseUrl, ttlSeconds: OPERATOR_LINK_TTL_SECONDS });
}
