import { Injectable, Logger } from '@nestjs/common';
import { WebhookActivity } from '../common/webhook-activity';

/** Counts events that could not be recorded, so a quiet failure is still visible. */
@Injectable()
export class PublishFailureCounter {
  private readonly logger = new Logger('Webhooks');
  private count = 0;

  constructor(private readonly activity: WebhookActivity) {}

  get total(): number {
    return this.count;
  }

  record(type: string, error: unknown): void {
    this.count += 1;
    this.activity.emit('publishFailed', { type });
    this.logger.error(`could not publish ${type}: ${(error as Error)?.message ?? String(error)}`);
  }
}
