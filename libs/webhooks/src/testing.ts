// `nestjs-webhooks/testing`: the testing kit for host apps' own tests. `WebhooksTestingModule`
// replaces `WebhooksModule` in a test's module: the real pipeline, no network, no background
// work; `WebhooksTesting` drives it. `signWebhook` signs requests for tests of receivers.
export { WebhooksTestingModule } from './testing/webhooks-testing.module';
export { WebhooksTesting, type DrainSummary, type SentWebhookFilter } from './testing/webhooks-testing.service';
export type { SentWebhook } from './testing/sent-webhook';
export type { WebhookAnswer, SimulatedFailure } from './testing/webhook-answers';
export { signWebhook, type SignWebhookOptions, type SignedWebhook } from './receiving/sign-webhook';
