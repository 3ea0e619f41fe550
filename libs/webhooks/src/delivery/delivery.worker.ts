import { Inject, Injectable, Logger } from '@nestjs/common';
import type { DueDelivery } from '../common/due-delivery';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import type { ResolvedWebhooksOptions } from '../options/resolved-options';
import { DeliveryStatus } from '../storage/entities/delivery.entity';
import { EndpointStatus, type WebhookEndpoint } from '../storage/entities/endpoint.entity';
import type { WebhookEvent } from '../storage/entities/event.entity';
import { DeliveriesRepository } from '../storage/deliveries/deliveries.repository';
import type { AttemptResult, Claim, ClaimedDelivery } from '../storage/deliveries/delivery-records';
import { EndpointHealthTracker } from './health/endpoint-health.tracker';
import { RateLimiter } from './rate-limit/rate-limiter';
import { EndpointSlots, type SlotOutcome } from './rate-limit/endpoint-slots';
import { AttemptsInFlight } from './attempts-in-flight';
import { ENDPOINT_VIEW_AGES, EndpointViews } from './endpoint-views';
import { Places } from '../common/places';
import { WebhookActivity } from '../common/webhook-activity';
import { WebhookTracing, type AttemptTrace } from '../common/webhook-tracing';
import { WebhookHttpClient } from './http/webhook-http.client';
import { judgeAttempt, type AttemptVerdict } from './retry/attempt-outcome';
import { retryPolicyFor, transitionAfter } from './retry/endpoint-retry';
import { buildWebhookRequest, type BuiltWebhookRequest } from './webhook-request.builder';
import { DONE, later, NOTHING_RELEASED, type DeliveryStep } from './delivery-step';

export type { DeliveryStep } from './delivery-step';

/** Longest per-endpoint timeout accepted. */
export const MAX_ENDPOINT_TIMEOUT_MS = 60_000;
const PAUSED_ENDPOINT_RECHECK_MS = 60_000;

/**
 * The delivery pipeline for one attempt: claim the delivery, build and sign the request,
 * send it, record the attempt, decide what comes next and keep the endpoint's health.
 * Dispatchers (Bull, the embedded poller) only decide when to call it.
 */
@Injectable()
export class DeliveryWorker {
  private readonly logger = new Logger('Webhooks');
  private readonly slots = new EndpointSlots();
  private readonly inFlight = new AttemptsInFlight();
  /** The `concurrency` requests out; claims and records around them hold no place (they are batched). */
  private readonly requests: Places;
  private readonly endpointViews: EndpointViews;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly deliveries: DeliveriesRepository,
    private readonly http: WebhookHttpClient,
    private readonly health: EndpointHealthTracker,
    private readonly rateLimiter: RateLimiter,
    private readonly activity: WebhookActivity,
    private readonly tracing: WebhookTracing,
  ) {
    this.requests = new Places(options.concurrency);
    this.endpointViews = new EndpointViews((endpointId) => this.deliveries.findEndpoint(endpointId), ENDPOINT_VIEW_AGES);
  }

  attempt(deliveryId: string): Promise<DeliveryStep> {
    return this.inFlight.track(this.claimAndAttempt(deliveryId));
  }

  /** Attempts a delivery its dispatcher claimed (`DeliveriesRepository.claimDue`), as `attempt` does once it has claimed. */
  attemptTaken(claim: Claim, now: Date): Promise<DeliveryStep> {
    return this.inFlight.track(this.attemptClaimed(claim, now));
  }

  /**
   * Shutdown: attempts that have not sent their request yet are put back, due now, for another
   * worker; the ones being sent may finish for `shutdownTimeoutMs`; the leases still held then
   * are given up at once (due now) rather than left to run out.
   */
  async stop(): Promise<void> {
    await this.inFlight.settle(this.options.shutdownTimeoutMs);
    await this.deliveries.releaseAll(new Date());
  }

  private async claimAndAttempt(deliveryId: string): Promise<DeliveryStep> {
    const now = new Date();
    const claim = await this.deliveries.claim(deliveryId, now);
    return claim ? this.attemptClaimed(claim, now) : this.stepForUnclaimed(deliveryId);
  }

  /**
   * Attempts a delivery this process holds: claimed by `attempt`, or stored already claimed
   * by its caller (the endpoint tester's) and held with `DeliveriesRepository.hold`. Whatever
   * happens, the lease is no longer renewed once this returns.
   */
  async attemptClaimed(claim: Claim, now: Date): Promise<DeliveryStep> {
    try {
      return await this.attemptHeld(claim, now);
    } finally {
      this.deliveries.release(claim.delivery);
    }
  }

  private async attemptHeld({ delivery, endpoint }: Claim, now: Date): Promise<DeliveryStep> {
    const event = await this.deliveries.findEvent(delivery.eventId);
    if (!event) return this.finishWithoutAttempt(delivery, DeliveryStatus.Failed, 'event no longer exists', now);
    const held = await this.holdForEndpoint(delivery, endpoint, now);
    if (held) return held;
    const sent = await this.send(delivery, event, endpoint!, now);
    if (sent.kind === 'held') return sent.step;
    const { request, result } = sent;
    const finishedAt = new Date();
    const verdict = judgeAttempt(result, retryPolicyFor(endpoint!, this.options), finishedAt);
    const transition = transitionAfter(verdict, delivery.attemptCount + 1, endpoint!, this.options, finishedAt);
    sent.trace.end(result, transition.status);
    if (!(await this.deliveries.recordAttempt(delivery, { ...result, requestHeaders: request.recordedHeaders }, transition, finishedAt))) {
      return this.lostLease(delivery, 'its attempt');
    }
    this.logger.debug(`delivery ${delivery.id} attempt ${delivery.attemptCount + 1}: ${result.status ?? result.error} → ${transition.status}`);
    this.activity.emit('attempted', {
      deliveryId: delivery.id,
      eventId: event.id,
      endpointId: endpoint!.id,
      tenantId: delivery.tenantId,
      eventType: event.type,
      attempt: delivery.attemptCount + 1,
      status: result.status,
      error: result.error,
      failure: result.failure,
      durationMs: result.durationMs,
      outcome: transition.status,
      nextAttemptAt: transition.status === DeliveryStatus.Retrying ? transition.nextAttemptAt : undefined,
      publishedAt: event.createdAt,
    });

    const released = await this.keepEndpointHealth(verdict, endpoint!, finishedAt);
    // Once the failure is recorded (and the circuit perhaps opened), views taken before it go stale sooner.
    if (verdict.kind !== 'succeeded') this.endpointViews.failed(endpoint!.id, Date.now());
    return transition.status === DeliveryStatus.Retrying ? { kind: 'later', at: transition.nextAttemptAt, released } : { kind: 'done', released };
  }

  /**
   * This worker's lease ran out and another worker claimed the delivery since (this one was
   * presumed dead: a pause longer than `leaseMs`): its write changed nothing, the other worker
   * owns the delivery now.
   */
  private lostLease(delivery: ClaimedDelivery, what: string): DeliveryStep {
    this.activity.emit('staleWrite', { deliveryId: delivery.id });
    this.logger.warn(`delivery ${delivery.id}: the lease was lost to another worker, ${what} was not recorded`);
    return DONE;
  }

  private async finishWithoutAttempt(delivery: ClaimedDelivery, status: DeliveryStatus.Failed | DeliveryStatus.Cancelled, reason: string, now: Date): Promise<DeliveryStep> {
    return (await this.deliveries.finishWithoutAttempt(delivery, status, reason, now)) ? DONE : this.lostLease(delivery, `its end (${reason})`);
  }

  /** Puts the delivery back until `at` (`step`), unless the lease was lost. */
  private async postpone(delivery: ClaimedDelivery, at: Date, now: Date, step: DeliveryStep): Promise<DeliveryStep> {
    return (await this.deliveries.postpone(delivery, at, now)) ? step : this.lostLease(delivery, 'its postponement');
  }

  /** Someone else holds it, it is not due yet, or it is finished. */
  private async stepForUnclaimed(deliveryId: string): Promise<DeliveryStep> {
    const delivery = await this.deliveries.findById(deliveryId);
    const waiting = delivery && [DeliveryStatus.Pending, DeliveryStatus.Retrying, DeliveryStatus.Delivering].includes(delivery.status);
    return waiting && delivery.nextAttemptAt ? later(delivery.nextAttemptAt) : DONE;
  }

  /** Deliveries to deleted, disabled or paused endpoints are not attempted. */
  private async holdForEndpoint(delivery: ClaimedDelivery, endpoint: WebhookEndpoint | null, now: Date): Promise<DeliveryStep | null> {
    if (!endpoint || endpoint.deletedAt) return this.finishWithoutAttempt(delivery, DeliveryStatus.Cancelled, 'endpoint deleted', now);
    // Failed rather than cancelled, so that recovering the endpoint later sends them.
    if (endpoint.status === EndpointStatus.Disabled) return this.finishWithoutAttempt(delivery, DeliveryStatus.Failed, 'endpoint disabled', now);
    if (endpoint.status === EndpointStatus.Paused) {
      const at = new Date(now.getTime() + PAUSED_ENDPOINT_RECHECK_MS);
      return this.postpone(delivery, at, now, later(at, 'endpoint-paused'));
    }
    return null;
  }

  /**
   * Sends the attempt once the endpoint has a free slot in this process, its circuit lets it
   * through and its rate-limit window has room; otherwise postpones it. The slot comes first,
   * so that a delivery waiting for one holds no rate-limit reservation meanwhile; then a place
   * among the process's `concurrency` requests, held until the response is in (not while the
   * attempt is claimed or recorded).
   */
  private async send(
    delivery: ClaimedDelivery,
    event: WebhookEvent,
    endpoint: WebhookEndpoint,
    now: Date,
  ): Promise<{ kind: 'held'; step: DeliveryStep } | { kind: 'sent'; request: BuiltWebhookRequest; result: AttemptResult; trace: AttemptTrace }> {
    const timeoutMs = endpoint.timeoutMs ?? this.options.timeoutMs;
    const slot = await this.slots.take(endpoint.id, this.options.endpointConcurrency, timeoutMs);
    if (slot.kind === 'wait') {
      this.activity.emit('postponed', { endpointId: endpoint.id, reason: 'endpoint-busy' });
      return { kind: 'held', step: await this.postpone(delivery, slot.until, now, later(slot.until, 'endpoint-busy')) };
    }
    const releaseRequest = await this.requests.acquire();
    let outcome: SlotOutcome | undefined;
    try {
      // An attempt that waited (for the endpoint's slot or a place, behind slow requests) can
      // outlast the claim's view of the endpoint: its circuit may have opened meanwhile, so the
      // gate takes a view young enough (ENDPOINT_VIEW_AGES).
      const gated = await this.endpointViews.fresh(endpoint, now.getTime());
      const at = new Date();
      const held = this.inFlight.stopping ? await this.postpone(delivery, at, at, later(at)) : await this.holdForTraffic(delivery, gated, at);
      if (held) return { kind: 'held', step: held };
      const startedAt = new Date();
      const trace = this.tracing.startAttempt(
        { eventId: event.id, eventType: event.type, publishedAt: event.createdAt, traceContext: event.traceContext, deliveryId: delivery.id, endpointId: endpoint.id, tenantId: delivery.tenantId, attempt: delivery.attemptCount + 1, url: endpoint.url },
        startedAt,
      );
      const request = buildWebhookRequest(
        { event, endpoint, delivery, userAgent: this.options.userAgent, legacySignatureHeader: this.options.legacySignatureHeader, traceHeaders: endpoint.sendTraceContext === false ? {} : trace.headers },
        startedAt,
      );
      const result = await trace.run(() => this.http.post({ url: endpoint.url, body: request.body, headers: request.headers, timeoutMs }));
      outcome = { timedOut: result.failure === 'timeout' };
      return { kind: 'sent', request, result, trace };
    } finally {
      releaseRequest();
      slot.release(outcome);
    }
  }

  /**
   * An open circuit or a full rate-limit window postpones the delivery without spending an
   * attempt, so a dead endpoint does not occupy workers and excess traffic is delayed, never
   * dropped.
   */
  private async holdForTraffic(delivery: ClaimedDelivery, endpoint: WebhookEndpoint, now: Date): Promise<DeliveryStep | null> {
    const gate = await this.health.gate(endpoint, now);
    if (gate.kind === 'wait') {
      this.activity.emit('postponed', { endpointId: endpoint.id, reason: 'circuit-open' });
      if (await this.deliveries.postponeWhileCircuitOpen(delivery, endpoint.id, gate.until, now)) return later(gate.until, 'circuit-open');
      // The circuit closed meanwhile (or the lease was lost): due again now.
      return this.postpone(delivery, now, now, later(now, 'circuit-open'));
    }
    if (!endpoint.rateLimitPerSecond) return null;
    const rate = await this.rateLimiter.reserve(endpoint.id, endpoint.rateLimitPerSecond, now);
    if (rate.kind === 'go') return null;
    this.activity.emit('postponed', { endpointId: endpoint.id, reason: 'rate-limited' });
    return this.postpone(delivery, rate.until, now, later(rate.until, 'rate-limited'));
  }

  /** Returns what waited behind the endpoint's circuit when this success closed it: due now. */
  private async keepEndpointHealth(verdict: AttemptVerdict, endpoint: WebhookEndpoint, now: Date): Promise<readonly DueDelivery[]> {
    if (verdict.kind === 'succeeded') {
      await this.health.recordSuccess(endpoint);
      return endpoint.circuitOpenUntil ? this.deliveries.releaseWaiting(endpoint.id, now) : NOTHING_RELEASED;
    }
    await this.health.recordFailure(endpoint, now);
    if (verdict.kind === 'gone') await this.health.disable(endpoint, 'the endpoint answered 410 Gone', now);
    return NOTHING_RELEASED;
  }
}
