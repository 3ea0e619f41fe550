import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ReceivedWebhook, WebhookSignatureGuard, type VerifiedWebhook, type WebhookEnvelope } from 'nestjs-webhooks/receiver';
import type { ReceivedWebhook as StoredWebhook } from './received-webhook.model';
import { ReceivedWebhooksStore } from './received-webhooks.store';

/**
 * The receiving side, as a customer would build it: the library's guard verifies the
 * signature on the raw bytes and refuses what does not verify (401) or was already handled;
 * the handler acknowledges quickly and ignores webhook-ids already seen.
 */
@Controller('receiver')
export class ReceiverController {
  constructor(private readonly store: ReceivedWebhooksStore) {}

  @Post('hook')
  @HttpCode(200)
  @UseGuards(WebhookSignatureGuard)
  receive(@ReceivedWebhook() webhook: VerifiedWebhook<WebhookEnvelope>): { received: true; duplicate: boolean } {
    const stored = this.store.add({
      id: webhook.id,
      type: webhook.payload.type,
      timestamp: webhook.payload.timestamp,
      data: webhook.payload.data,
      verified: true,
      receivedAt: new Date().toISOString(),
    } satisfies StoredWebhook);
    return { received: true, duplicate: !stored };
  }

  @Get('received')
  received(): StoredWebhook[] {
    return this.store.list();
  }
}
