import { Module } from '@nestjs/common';
import { SeenWebhookIds } from './seen-webhook-ids';
import { ConfigurableWebhookReceiverModule, WEBHOOK_RECEIVER_OPTIONS } from './webhook-receiver.module-definition';
import type { WebhookReceiverOptions } from './webhook-receiver.options';
import { WebhookSignatureGuard } from './webhook-signature.guard';

/**
 * For apps that receive webhooks: configures `WebhookSignatureGuard` (keys, tolerance, replay
 * protection). Import it, with `forRoot` or `forRootAsync`, in the module of the receiving
 * controller, then put `@UseGuards(WebhookSignatureGuard)` on the route.
 *
 * @publicApi
 */
@Module({
  providers: [
    {
      provide: SeenWebhookIds,
      inject: [WEBHOOK_RECEIVER_OPTIONS],
      useFactory: (options: WebhookReceiverOptions) => new SeenWebhookIds((options.replayProtection || undefined)?.maxEntries),
    },
    WebhookSignatureGuard,
  ],
  exports: [WEBHOOK_RECEIVER_OPTIONS, SeenWebhookIds, WebhookSignatureGuard],
})
export class WebhookReceiverModule extends ConfigurableWebhookReceiverModule {}
