import type { DueDelivery } from '../common/due-delivery';

/** Why a delivery was postponed without an attempt. */
export type HoldReason = 'endpoint-paused' | 'endpoint-busy' | 'circuit-open' | 'rate-limited';

/**
 * What the dispatcher should do with a delivery after the worker had it, and with the
 * deliveries the attempt `released` (the endpoint's circuit closed: they are due now). A
 * `later` step that made no attempt says why in `heldBecause`.
 */
export type DeliveryStep = ({ kind: 'done' } | { kind: 'later'; at: Date; heldBecause?: HoldReason }) & { released: readonly DueDelivery[] };

export const NOTHING_RELEASED: readonly DueDelivery[] = [];
export const DONE: DeliveryStep = { kind: 'done', released: NOTHING_RELEASED };

/** Not attempted now: due again at `at`. */
export const later = (at: Date, heldBecause?: HoldReason): DeliveryStep => ({ kind: 'later', at, heldBecause, released: NOTHING_RELEASED });
