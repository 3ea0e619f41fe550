import { WebhooksApiModule } from 'nestjs-webhooks/api';
import { Module, type DynamicModule } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DemoApiKeyGuard, type DemoApiRequest } from './demo-api-key.guard';
import { DemoPortalLinksController } from './demo-portal-links.controller';

/** Portal links of the demo last 15 minutes. */
export const DEMO_PORTAL_TTL_SECONDS = 15 * 60;

@Module({})
export class DemoApiModule {}

/**
 * The library's management API and dashboard under `/webhooks`, behind the demo's API keys (the
 * config module is global), and `POST /demo/portal-links` to mint customer-portal links.
 * `DEMO_PORTAL_KEY` signs the links; without it a key is generated at start, so links end with the process.
 */
export function demoApiModule(env: Record<string, string | undefined> = process.env): DynamicModule {
  return {
    module: DemoApiModule,
    imports: [
      WebhooksApiModule.forRoot({
        path: 'webhooks',
        guards: [DemoApiKeyGuard],
        resolveTenant: (request: DemoApiRequest) => request.tenantId,
        dashboard: true,
        portal: { signingKey: env.DEMO_PORTAL_KEY || randomBytes(32).toString('base64url'), ttlSeconds: DEMO_PORTAL_TTL_SECONDS },
      }),
    ],
    controllers: [DemoPortalLinksController],
    providers: [DemoApiKeyGuard],
  };
}
