import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EndpointsService, WebhooksService } from 'nestjs-webhooks';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';
import { ReceiverSecrets } from '../receiver/receiver-secrets.store';

/** Registers the `DEMO_ENDPOINTS` (for every event type, no tenant) when the app starts. */
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

  /** Creates an endpoint for each URL not registered yet; returns the URLs it created. */
  async register(urls: readonly string[]): Promise<string[]> {
    const existing = await this.endpoints.list({ tenantId: null });
    const created: string[] = [];
    for (const url of urls) {
      const known = existing.find((endpoint) => endpoint.url === url);
      if (known) {
        // Registered by an earlier run, maybe with another generated secret: the receiver accepts it too.
        this.secrets.add(known.secret);
        this.logger.log(`${url} is already registered (${known.status}), kept as is`);
        continue;
      }
      const endpoint = await this.endpoints.create({
        url,
        eventTypes: ['*'],
        tenantId: null,
        secret: this.config.endpointSecret,
        description: 'demo endpoint',
      });
      existing.push(endpoint);
      created.push(url);
      this.logger.log(`registered ${url} for every event type`);
    }
    return created;
  }
}
