// `nestjs-webhooks/receiver`: for apps that receive these webhooks. It loads neither TypeORM nor
// Bull nor an HTTP client, so an app that only receives can use it on its own.
export {
  verifyWebhook,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type VerifiedWebhook,
  type WebhookHeaders,
} from './receiving/verify-webhook';
export { signWebhook, type SignWebhookOptions, type SignedWebhook } from './receiving/sign-webhook';
export { WebhookReceiverModule } from './receiving/webhook-receiver.module';
export { WebhookSignatureGuard, DuplicateWebhookException } from './receiving/webhook-signature.guard';
export { ReceivedWebhook } from './receiving/received-webhook.decorator';
export type { WebhookEnvelope } from './common/webhook-envelope';
export type { WebhookReceiverOptions, WebhookKeys, WebhookRequest } from './receiving/webhook-receiver.options';
