import { DeliveryStatus } from '../storage/entities/delivery.entity';
import { EndpointStatus, type WebhookEndpoint } from '../storage/entities/endpoint.entity';

/**
 * What an operator needs to know about an endpoint first, most severe first: switched off
 * (disabled, paused), held back by its circuit breaker, failing, or healthy.
 */
export type EndpointHealthState = 'disabled' | 'paused' | 'circuit-open' | 'circuit-probing' | 'failing' | 'healthy';

export interface EndpointHealth {
  state: EndpointHealthState;
  /** Why it is disabled (`disabledReason`), or null. */
  reason: string | null;
  /** Failed attempts in a row. */
  consecutiveFailures: number;
  /** Start of the current failing streak, or null. */
  failingSince: Date | null;
  /** While the circuit is open: deliveries wait until then. */
  circuitOpenUntil: Date | null;
}

/** Why a waiting delivery is not attempted at its own time: its endpoint holds it. */
export type DeliveryHold = 'circuit-open' | 'endpoint-paused';

type HealthFields = Pick<WebhookEndpoint, 'status' | 'disabledReason' | 'consecutiveFailures' | 'failingSince' | 'circuitOpenUntil'>;

export function endpointHealthOf(endpoint: HealthFields, now: Date = new Date()): EndpointHealth {
  const openUntil = endpoint.circuitOpenUntil;
  const details = { reason: null, consecutiveFailures: endpoint.consecutiveFailures, failingSince: endpoint.failingSince, circuitOpenUntil: openUntil };
  if (endpoint.status === EndpointStatus.Disabled) return { ...details, state: 'disabled', reason: endpoint.disabledReason };
  if (endpoint.status === EndpointStatus.Paused) return { ...details, state: 'paused' };
  // A circuit whose time has passed lets one probe through: the next delivery decides.
  if (openUntil) return { ...details, state: openUntil.getTime() > now.getTime() ? 'circuit-open' : 'circuit-probing' };
  return { ...details, state: endpoint.consecutiveFailures > 0 ? 'failing' : 'healthy' };
}

/** The hold on a waiting (pending or retrying) delivery, null when none holds it. */
export function deliveryHoldOf(status: DeliveryStatus, endpoint: HealthFields | undefined, now: Date = new Date()): DeliveryHold | null {
  if (!endpoint || (status !== DeliveryStatus.Pending && status !== DeliveryStatus.Retrying)) return null;
  if (endpoint.status === EndpointStatus.Paused) return 'endpoint-paused';
  return endpoint.circuitOpenUntil && endpoint.circuitOpenUntil.getTime() > now.getTime() ? 'circuit-open' : null;
}
