import { RATE_WINDOW_MS, RateLimiter, type RateDecision } from './rate-limiter';

/** The sliding window kept in this process: for embedded mode, where one process delivers. */
export class InMemoryRateLimiter extends RateLimiter {
  private readonly windows = new Map<string, number[]>();

  async reserve(endpointId: string, limit: number, now: Date): Promise<RateDecision> {
    const at = now.getTime();
    const window = (this.windows.get(endpointId) ?? []).filter((sentAt) => sentAt > at - RATE_WINDOW_MS);
    this.windows.set(endpointId, window);
    if (window.length >= limit) return { kind: 'wait', until: new Date(window[window.length - limit] + RATE_WINDOW_MS) };
    window.push(at);
    return { kind: 'go' };
  }
}
