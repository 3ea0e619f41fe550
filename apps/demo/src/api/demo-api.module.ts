import { WebhooksApiModule } from '@app/webhooks';
import type { DynamicModule } from '@nestjs/common';
import { DemoApiKeyGuard, type DemoApiRequest } from './demo-api-key.guard';

/** The library's management API under `/webhooks`, behind the demo's API keys (the config module is global). */
export function demoApiModule(): DynamicModule {
  return WebhooksApiModule.forRoot({
    path: 'webhooks',
    guards: [DemoApiKeyGuard],
    resolveTenant: (request: DemoApiRequest) => request.tenantId,
  });
}
