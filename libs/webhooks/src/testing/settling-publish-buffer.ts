import { Injectable } from '@nestjs/common';
import { PublishBuffer } from '../publishing/publish-buffer';

/**
 * The library's publish buffer, which also tells when the events handed to it so far have been
 * stored: a synchronous `@EmitsWebhook` method returns before its event is, and `drain` must
 * find that event's deliveries.
 */
@Injectable()
export class SettlingPublishBuffer extends PublishBuffer {
  private readonly firstAttempts = new Set<Promise<void>>();

  override publish(type: string, data: unknown, tenantId: string | null): Promise<void> {
    const firstAttempt = super.publish(type, data, tenantId);
    this.firstAttempts.add(firstAttempt);
    void firstAttempt.finally(() => this.firstAttempts.delete(firstAttempt)).catch(() => undefined);
    return firstAttempt;
  }

  /** Resolves once every event handed over so far was stored (or failed to be, as the buffer reports). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.firstAttempts]);
  }
}
