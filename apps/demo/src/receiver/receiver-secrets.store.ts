import { Inject, Injectable } from '@nestjs/common';
import { DEMO_CONFIG } from '../config/demo-config.module';
import type { DemoConfig } from '../config/demo-config';

/**
 * The secrets the demo receiver accepts: the demo secret (configured or generated at start,
 * kept in memory), plus the secrets of demo endpoints found already registered, e.g. in the
 * SQLite file of an earlier run with another generated secret.
 */
@Injectable()
export class ReceiverSecrets {
  private readonly secrets: string[];

  constructor(@Inject(DEMO_CONFIG) config: DemoConfig) {
    this.secrets = [config.endpointSecret];
  }

  add(secret: string): void {
    if (!this.secrets.includes(secret)) this.secrets.push(secret);
  }

  all(): readonly string[] {
    return this.secrets;
  }
}
