import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { VERIFIED_WEBHOOK } from './webhook-signature.guard';

/**
 * The webhook `WebhookSignatureGuard` verified: `{ id, timestamp, payload }`. Use it on a
 * route guarded by `WebhookSignatureGuard`; elsewhere it is undefined.
 *
 * @publicApi
 */
export const ReceivedWebhook = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<Record<string, unknown> & { raw?: Record<string, unknown> }>();
  return request[VERIFIED_WEBHOOK] ?? request.raw?.[VERIFIED_WEBHOOK];
});
