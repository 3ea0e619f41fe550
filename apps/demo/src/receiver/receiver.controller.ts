import type { IncomingMessage } from 'node:http';
import { BadRequestException, Controller, Get, HttpCode, Post, Req, UnauthorizedException, type RawBodyRequest } from '@nestjs/common';
import { verifyWebhook, WebhookVerificationError, type VerifiedWebhook } from '@app/webhooks';
import type { ReceivedWebhook, WebhookEnvelope } from './received-webhook.model';
import { ReceivedWebhooksStore } from './received-webhooks.store';
import { ReceiverSecrets } from './receiver-secrets.store';

/**
 * The receiving side, as a customer would build it: verify the signature on the raw bytes,
 * refuse what does not verify, acknowledge quickly, and ignore webhook-ids already seen.
 */
@Controller('receiver')
export class ReceiverController {
  constructor(
    private readonly store: ReceivedWebhooksStore,
    private readonly secrets: ReceiverSecrets,
  ) {}

  @Post('hook')
  @HttpCode(200)
  receive(@Req() request: RawBodyRequest<IncomingMessage>): { received: true; duplicate: boolean } {
    if (!request.rawBody) throw new BadRequestException('no raw body: the app must be created with rawBody: true');
    const webhook = this.verify(request);
    const stored = this.store.add({
      id: webhook.id,
      type: webhook.payload.type,
      timestamp: webhook.payload.timestamp,
      data: webhook.payload.data,
      verified: true,
      receivedAt: new Date().toISOString(),
    } satisfies ReceivedWebhook);
    return { received: true, duplicate: !stored };
  }

  @Get('received')
  received(): ReceivedWebhook[] {
    return this.store.list();
  }

  private verify(request: RawBodyRequest<IncomingMessage>): VerifiedWebhook<WebhookEnvelope> {
    try {
      return verifyWebhook<WebhookEnvelope>(request.rawBody!, request.headers, this.secrets.all(), { toleranceSeconds: 300 });
    } catch (error) {
      if (error instanceof WebhookVerificationError) throw new UnauthorizedException(`webhook rejected: ${error.message}`);
      throw error;
    }
  }
}
