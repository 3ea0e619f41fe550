import type { ResolvedWebhooksOptions } from '../../options/resolved-options';
import { describeInvalidRetryOn } from '../../options/retry-on';
import { describeInvalidSchedule, retryTime, scheduledDelayMs, withJitter } from '../../options/retry-schedule';
import type { RetrySchedule } from '../../options/webhooks-options.interface';
import { DeliveryStatus } from '../../storage/entities/delivery.entity';
import type { WebhookEndpoint } from '../../storage/entities/endpoint.entity';
import type { DeliveryTransition } from '../../storage/deliveries/delivery-records';
import type { AttemptVerdict, RetryPolicy } from './attempt-outcome';

type RetryOptions = Pick<ResolvedWebhooksOptions, 'retry' | 'retryJitter' | 'retryOn' | 'retryAfterStatuses' | 'maxRetryAfterMs'>;

/**
 * An endpoint's own settings when usable, else the module's. EndpointsService refuses unusable
 * ones, but a row stored before today's bounds existed, or written past the service, must not
 * stop retries nor retry forever.
 */
export function retryPolicyFor(endpoint: WebhookEndpoint, options: RetryOptions): RetryPolicy {
  const own = endpoint.retryOn;
  return {
    retryOn: own && describeInvalidRetryOn(own) === null ? own : options.retryOn,
    retryAfterStatuses: options.retryAfterStatuses,
  };
}

function scheduleOf(endpoint: WebhookEndpoint, options: RetryOptions): RetrySchedule {
  const own = endpoint.retrySchedule;
  return own && describeInvalidSchedule(own) === null ? own : options.retry;
}

/**
 * Where the delivery goes after an attempt with this verdict, the `attemptsMade` so far counting
 * it: succeeded, failed for good (final failure or schedule spent), or retrying at the scheduled
 * time with jitter, or at the `Retry-After` the receiver asked for (bounded by maxRetryAfterMs).
 */
export function transitionAfter(
  verdict: AttemptVerdict,
  attemptsMade: number,
  endpoint: WebhookEndpoint,
  options: RetryOptions,
  now: Date,
): DeliveryTransition {
  if (verdict.kind === 'succeeded') return { status: DeliveryStatus.Succeeded };
  if (verdict.kind !== 'retry') return { status: DeliveryStatus.Failed };
  const scheduled = scheduledDelayMs(scheduleOf(endpoint, options), attemptsMade + 1);
  if (scheduled === null) return { status: DeliveryStatus.Failed };
  const delayMs = verdict.notBeforeMs !== undefined ? Math.min(verdict.notBeforeMs, options.maxRetryAfterMs) : withJitter(scheduled, options.retryJitter);
  return { status: DeliveryStatus.Retrying, nextAttemptAt: retryTime(now, delayMs) };
}
