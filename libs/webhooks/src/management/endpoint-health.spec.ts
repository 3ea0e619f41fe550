import { describe, expect, it } from '@jest/globals';
import { DeliveryStatus } from '../storage/entities/delivery.entity';
import { EndpointStatus } from '../storage/entities/endpoint.entity';
import { deliveryHoldOf, endpointHealthOf } from './endpoint-health';

const NOW = new Date('2026-12-01T10:00:00Z');
const LATER = new Date('2026-12-01T10:05:00Z');
const EARLIER = new Date('2026-12-01T09:55:00Z');
const healthy = { status: EndpointStatus.Active, disabledReason: null, consecutiveFailures: 0, failingSince: null, circuitOpenUntil: null };

describe('endpointHealthOf', () => {
  it.each([
    ['healthy', healthy, 'healthy'],
    ['failing in a row', { ...healthy, consecutiveFailures: 3, failingSince: EARLIER }, 'failing'],
    ['circuit open until later', { ...healthy, consecutiveFailures: 9, circuitOpenUntil: LATER }, 'circuit-open'],
    ['circuit time passed (probe next)', { ...healthy, consecutiveFailures: 9, circuitOpenUntil: EARLIER }, 'circuit-probing'],
    ['paused, even with an open circuit', { ...healthy, status: EndpointStatus.Paused, circuitOpenUntil: LATER }, 'paused'],
    ['disabled', { ...healthy, status: EndpointStatus.Disabled, disabledReason: 'failed 10 times' }, 'disabled'],
  ])('%s', (_case, endpoint, state) => {
    expect(endpointHealthOf(endpoint, NOW).state).toBe(state);
  });

  it('carries the reason of a disabled endpoint and the circuit time', () => {
    expect(endpointHealthOf({ ...healthy, status: EndpointStatus.Disabled, disabledReason: 'gone' }, NOW).reason).toBe('gone');
    expect(endpointHealthOf({ ...healthy, circuitOpenUntil: LATER }, NOW).circuitOpenUntil).toEqual(LATER);
  });
});

describe('deliveryHoldOf', () => {
  it('names the hold of a waiting delivery only', () => {
    expect(deliveryHoldOf(DeliveryStatus.Retrying, { ...healthy, circuitOpenUntil: LATER }, NOW)).toBe('circuit-open');
    expect(deliveryHoldOf(DeliveryStatus.Pending, { ...healthy, status: EndpointStatus.Paused }, NOW)).toBe('endpoint-paused');
    expect(deliveryHoldOf(DeliveryStatus.Retrying, { ...healthy, circuitOpenUntil: EARLIER }, NOW)).toBeNull();
    expect(deliveryHoldOf(DeliveryStatus.Failed, { ...healthy, circuitOpenUntil: LATER }, NOW)).toBeNull();
    expect(deliveryHoldOf(DeliveryStatus.Retrying, undefined, NOW)).toBeNull();
  });
});
