import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';

/** The event type or data cannot be published (answers 400 when it reaches HTTP). */
export class InvalidWebhookEventError extends BadRequestException {}

/** The serialized data is larger than `maxPayloadBytes` (answers 413 when it reaches HTTP). */
export class WebhookPayloadTooLargeError extends PayloadTooLargeException {}
