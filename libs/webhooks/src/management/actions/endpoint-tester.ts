import { ConflictException, Injectable } from '@nestjs/common';
import { InjectWebhooksDataSource } from '../../storage/data-source.provider';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DeliveryWorker, MAX_ENDPOINT_TIMEOUT_MS } from '../../delivery/delivery.worker';
import { DeliveryDispatcher } from '../../dispatch/delivery-dispatcher';
import { WebhookAttempt } from '../../storage/entities/attempt.entity';
import { DeliveryStatus, WebhookDelivery } from '../../storage/entities/delivery.entity';
import { EndpointStatus } from '../../storage/entities/endpoint.entity';
import { WebhookEvent } from '../../storage/entities/event.entity';
import { inTransaction } from '../../storage/transactions';
import type { JsonValue } from '../../storage/entities/column-types';
import { EndpointsService } from '../endpoints.service';

export const TEST_EVENT_TYPE = 'webhook.test';

export interface EndpointTestResult {
  succeeded: boolean;
  status: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
  deliveryId: string;
  eventId: string;
}

const OTHER_WORKER_POLL_MS = 50;
const OTHER_WORKER_MARGIN_MS = 30_000;

/**
 * Sends a `webhook.test` event to one endpoint now and reports how it answered. The event
 * goes to that endpoint only (whatever it subscribes to), as a real delivery: signed like
 * any other, recorded, listed, and retried on failure like any other.
 */
@Injectable()
export class EndpointTester {
  constructor(
    @InjectWebhooksDataSource() private readonly dataSource: DataSource,
    private readonly endpoints: EndpointsService,
    private readonly worker: DeliveryWorker,
    private readonly dispatcher: DeliveryDispatcher,
  ) {}

  async test(tenantId: string, endpointId: string): Promise<EndpointTestResult> {
    const endpoint = await this.endpoints.get(endpointId, { tenantId });
    if (endpoint.status !== EndpointStatus.Active) throw new ConflictException(`the endpoint is ${endpoint.status}: enable it first`);
    const now = new Date();
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    await inTransaction(this.dataSource, async (manager) => {
      await manager.insert(WebhookEvent, { id: eventId, type: TEST_EVENT_TYPE, tenantId, data: { endpointId, message: 'This is a test webhook.' } as JsonValue, idempotencyKey: null, createdAt: now });
      await manager.insert(WebhookDelivery, {
        id: deliveryId,
        eventId,
        endpointId,
        tenantId,
        eventType: TEST_EVENT_TYPE,
        status: DeliveryStatus.Pending,
        attemptCount: 0,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      });
    });
    const step = await this.worker.attempt(deliveryId);
    if (step.released.length > 0) await this.dispatcher.requeue(step.released);
    let attempt = await this.firstAttempt(deliveryId);
    if (!attempt) {
      attempt = await this.waitForOtherWorker(deliveryId, endpoint.timeoutMs);
    } else if (step.kind === 'later') {
      // A failed test is retried like any delivery: queue the retry the worker scheduled.
      await this.dispatcher.enqueue([{ id: deliveryId, runAt: step.at }]);
    }
    const status = attempt?.responseStatus ?? null;
    return {
      succeeded: status !== null && status >= 200 && status < 300,
      status,
      durationMs: attempt?.durationMs ?? 0,
      responseBody: attempt?.responseBody ?? null,
      error: attempt?.error ?? (attempt ? null : 'the attempt did not finish in time'),
      deliveryId,
      eventId,
    };
  }

  private firstAttempt(deliveryId: string): Promise<WebhookAttempt | null> {
    return this.dataSource.getRepository(WebhookAttempt).findOne({ where: { deliveryId }, order: { number: 'ASC' } });
  }

  /**
   * NOTE: in embedded mode the dispatcher polls for due deliveries and may claim the test
   * delivery between its insert and our claim. The claim lets one of us attempt it, so the
   * receiver still gets one request; we then wait for that worker's attempt to be recorded.
   */
  private async waitForOtherWorker(deliveryId: string, endpointTimeoutMs: number | null): Promise<WebhookAttempt | null> {
    const deadline = Date.now() + (endpointTimeoutMs ?? MAX_ENDPOINT_TIMEOUT_MS) + OTHER_WORKER_MARGIN_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, OTHER_WORKER_POLL_MS));
      const attempt = await this.firstAttempt(deliveryId);
      if (attempt) return attempt;
    }
    return null;
  }
}
