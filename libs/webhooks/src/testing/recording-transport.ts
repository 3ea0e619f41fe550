import { Injectable } from '@nestjs/common';
import type { OutboundRequest } from '../delivery/http/webhook-http.client';
import type { AttemptResult } from '../storage/deliveries/delivery-records';
import { DeliveriesRepository } from '../storage/deliveries/deliveries.repository';
import { sentWebhookOf, type SentWebhook } from './sent-webhook';
import { attemptResultOf, WebhookAnswers } from './webhook-answers';

/** The header of every webhook request that names its delivery (see `buildWebhookRequest`). */
const DELIVERY_HEADER = 'x-webhook-delivery';

/**
 * Stands in for the library's HTTP client under the testing kit: opens no socket, records each
 * request exactly as the delivery worker built and signed it, and answers as scripted.
 */
@Injectable()
export class RecordingTransport {
  readonly answers = new WebhookAnswers();
  private readonly requests: SentWebhook[] = [];

  constructor(private readonly deliveries: DeliveriesRepository) {}

  /** The `WebhookHttpClient.post` the delivery worker calls. */
  async post(request: OutboundRequest): Promise<AttemptResult> {
    const startedAt = new Date();
    const deliveryId = request.headers[DELIVERY_HEADER];
    const delivery = await this.deliveries.findById(deliveryId);
    if (!delivery) throw new Error(`the testing kit was asked to send delivery ${deliveryId}, which is not stored`);
    const result = attemptResultOf(this.answers.next(delivery.endpointId, request.url), request, startedAt);
    this.requests.push(sentWebhookOf(request, delivery, result));
    return result;
  }

  /** Every request so far, in the order sent. */
  sent(): readonly SentWebhook[] {
    return this.requests;
  }

  clear(): void {
    this.requests.length = 0;
    this.answers.clear();
  }
}
