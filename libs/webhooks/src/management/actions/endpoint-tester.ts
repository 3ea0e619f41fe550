import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DeliveryWorker } from '../../delivery/delivery.worker';
import type { DeliveryStep, HoldReason } from '../../delivery/delivery-step';
import { EventTypeCatalog } from '../../publishing/event-type.catalog';
import { OutboxEnqueuer } from '../../publishing/outbox-enqueuer';
import { EndpointStatus, type WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import { DeliveryActionsStore } from '../../storage/queries/delivery-actions.store';
import type { JsonValue } from '../../storage/entities/column-types';
import type { ClaimedDelivery } from '../../storage/deliveries/delivery-records';
import { DeliveriesRepository } from '../../storage/deliveries/deliveries.repository';
import { EndpointsService } from '../endpoints.service';

export const TEST_EVENT_TYPE = 'webhook.test';

export interface EndpointTestResult {
  succeeded: boolean;
  status: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
  /** False when something held the endpoint: nothing was sent. */
  sent: boolean;
  heldBecause: HoldReason | null;
  /** When the test delivery is attempted (again); null once it is finished. */
  nextAttemptAt: Date | null;
  eventType: string;
  deliveryId: string;
  eventId: string;
}

type AttemptOutcome = Pick<EndpointTestResult, 'succeeded' | 'status' | 'durationMs' | 'responseBody' | 'error' | 'sent' | 'heldBecause'>;

const HOLD_EXPLANATIONS: Record<HoldReason, string> = {
  'endpoint-paused': 'the endpoint is paused',
  'endpoint-busy': 'the endpoint has as many slow requests in flight as this process allows (endpointConcurrency)',
  'circuit-open': "the endpoint's circuit breaker is open after repeated failures",
  'rate-limited': "the endpoint's rate limit is reached",
};

/**
 * Sends a `webhook.test` event (or the catalog's example of a type) to one endpoint now and
 * reports how it answered. The event goes to that endpoint only (whatever it subscribes to),
 * as a real delivery: signed like any other, recorded, listed, and retried on failure like any other.
 *
 * It answers within the endpoint's timeout (plus the time to read and write a few rows): when
 * something holds the endpoint (open circuit, rate limit, no free slot) nothing is sent and
 * the answer says why; the delivery then waits like any other.
 */
@Injectable()
export class EndpointTester {
  constructor(
    private readonly actions: DeliveryActionsStore,
    private readonly endpoints: EndpointsService,
    private readonly worker: DeliveryWorker,
    private readonly outbox: OutboxEnqueuer,
    private readonly catalog: EventTypeCatalog,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  /** `eventType`: a catalog type whose example is sent instead of the `webhook.test` event. */
  async test(tenantId: string, endpointId: string, eventType?: string): Promise<EndpointTestResult> {
    const event = this.testEvent(endpointId, eventType);
    const endpoint = await this.endpoints.get(endpointId, { tenantId });
    if (endpoint.status !== EndpointStatus.Active) throw new ConflictException(`the endpoint is ${endpoint.status}: enable it first`);
    const now = new Date();
    const delivery = await this.insertClaimed(tenantId, endpoint, event, now);
    const step = await this.worker.attemptClaimed({ delivery, endpoint }, now);
    if (step.released.length > 0) await this.outbox.requeueNow(step.released);
    // A failed or held test waits like any delivery: queue it for the time the worker chose.
    if (step.kind === 'later') await this.outbox.enqueueNow([{ id: delivery.id, runAt: step.at }]);
    return {
      ...(await this.outcome(delivery.id, step)),
      nextAttemptAt: step.kind === 'later' ? step.at : null,
      eventType: event.type,
      deliveryId: delivery.id,
      eventId: delivery.eventId,
    };
  }

  private testEvent(endpointId: string, eventType: string | undefined): { type: string; data: JsonValue } {
    if (eventType === undefined) return { type: TEST_EVENT_TYPE, data: { endpointId, message: 'This is a test webhook.' } };
    const definition = this.catalog.list().find((type) => type.name === eventType);
    if (!definition) throw new BadRequestException(`eventType: "${eventType.slice(0, 255)}" is not in the event type catalog`);
    return { type: definition.name, data: (definition.example ?? {}) as JsonValue };
  }

  /**
   * The test event and its delivery, stored already claimed by this call (`delivering` until
   * the worker's lease ends): a dispatcher polling for due deliveries cannot take it first,
   * so this call always makes the attempt itself and never has to wait for another worker.
   */
  private async insertClaimed(tenantId: string, endpoint: WebhookEndpoint, event: { type: string; data: JsonValue }, now: Date): Promise<ClaimedDelivery> {
    const delivery = await this.actions.insertClaimedTest(tenantId, endpoint.id, event, this.deliveries.newLease(now), now);
    this.deliveries.hold(delivery);
    return delivery;
  }

  private async outcome(deliveryId: string, step: DeliveryStep): Promise<AttemptOutcome> {
    const notSent = (error: string, heldBecause: HoldReason | null = null) => ({ succeeded: false, status: null, durationMs: 0, responseBody: null, error, sent: false, heldBecause });
    if (step.kind === 'later' && step.heldBecause) {
      return notSent(`not sent: ${HOLD_EXPLANATIONS[step.heldBecause]}; the test delivery waits until ${step.at.toISOString()}`, step.heldBecause);
    }
    const attempt = await this.actions.firstAttempt(deliveryId);
    if (!attempt) {
      // The endpoint was disabled or deleted meanwhile: the delivery ended without an attempt.
      const delivery = await this.actions.delivery(deliveryId);
      return notSent(`not sent: ${delivery?.lastError ?? 'the delivery ended without an attempt'}`);
    }
    const status = attempt.responseStatus;
    return {
      succeeded: status !== null && status >= 200 && status < 300,
      status,
      durationMs: attempt.durationMs,
      responseBody: attempt.responseBody,
      error: attempt.error,
      sent: true,
      heldBecause: null,
    };
  }
}
