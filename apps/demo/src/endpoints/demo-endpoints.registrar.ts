import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EndpointsService, urlForLogs, WebhooksService } from 'nestjs-webhooks';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';
import { ReceiverSecrets } from '../receiver/receiver-secrets.store';

/** Registers the `DEMO_ENDPOINTS` (for every event type, for the demo's tenant) when the app starts. */
@Injectable()
export class DemoEndpointsRegistrar implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoEndpoints');

  constructor(
    @Inject(DEMO_CONFIG) private readonly config: DemoConfig,
    private readonly endpoints: EndpointsService,
    private readonly webhooks: WebhooksService,
    private readonly secrets: ReceiverSecrets,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role === 'worker') return;
    if (!this.webhooks.enabled) {
      this.logger.log('webhooks are disabled (WEBHOOKS_ENABLED=false): no endpoint registered');
      return;
    }
    await this.register(this.config.endpointUrls);
  }

  /**
   * Registers each URL for every event type, idempotently (a restart finds the endpoints of the
   * last run and brings them in line); returns the URLs it created.
   */
  async register(urls: readonly string[]): Promise<string[]> {
    const created: string[] = [];
    for (const url of urls) {
      const { endpoint, outcome } = await this.endpoints.ensure({ url, eventTypes: ['*'], tenantId: this.config.tenant, secret: this.config.endpointSecret, description: 'demo endpoint' });
      this.secrets.add(endpoint.secret);
      if (outcome === 'created') created.push(url);
      this.logger.log(`${urlForLogs(url)} (endpoint ${endpoint.id}): ${outcome === 'created' ? 'registered for every event type' : `already registered (${endpoint.status}), ${outcome}`}`);
    }
    return created;
  }
}
