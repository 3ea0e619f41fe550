/** Whether one more request to an endpoint fits its rate limit now. */
export type RateDecision = { kind: 'go' } | { kind: 'wait'; until: Date };

/**
 * Per-endpoint rate limit over a sliding window: at most `limit` requests in any window of
 * `RATE_WINDOW_MS`. A request that does not fit is not dropped: the delivery waits until the
 * oldest request of the window leaves it.
 */
export abstract class RateLimiter {
  abstract reserve(endpointId: string, limit: number, now: Date): Promise<RateDecision>;
}

// NOTE: the window is slightly longer than a second because what the receiver measures is
// arrival time: requests sent exactly one second apart can arrive a little less apart.
export const RATE_WINDOW_MS = 1_100;
