/** Whether an attempt may start now; `release` must be called once it has ended. */
export type SlotAnswer = { kind: 'go'; release: () => void } | { kind: 'wait'; until: Date };

/**
 * A request in flight longer than this marks its endpoint as slow: further deliveries to it
 * no longer wait in the process for a slot, they are postponed.
 */
export const SLOW_REQUEST_MS = 1_000;

interface EndpointState {
  /** Start times of the attempts in flight. */
  inFlight: Set<{ startedAt: number }>;
  waiters: Array<() => void>;
}

/**
 * Caps the attempts in flight to one endpoint in this process, so that an endpoint that
 * answers slowly or never cannot take every worker slot while healthy endpoints wait.
 *
 * At the cap, a delivery to a fast endpoint waits here for a slot (it frees within
 * milliseconds); to a slow endpoint (its oldest request has been out for `SLOW_REQUEST_MS`)
 * it gets `wait` until that request times out, and its worker slot goes to other work.
 */
export class EndpointSlots {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(endpointId: string, limit: number, requestTimeoutMs: number): Promise<SlotAnswer> {
    for (;;) {
      // Looked up on every turn: an idle endpoint's state is dropped while this one waits.
      const state = this.stateOf(endpointId);
      if (state.inFlight.size < limit) return { kind: 'go', release: this.occupy(endpointId, state) };
      const oldest = Math.min(...[...state.inFlight].map((slot) => slot.startedAt));
      const slowFrom = oldest + SLOW_REQUEST_MS;
      if (this.now() >= slowFrom) return { kind: 'wait', until: new Date(oldest + requestTimeoutMs) };
      await this.released(state, slowFrom - this.now());
    }
  }

  /** Attempts in flight to the endpoint (tests read it). */
  inFlight(endpointId: string): number {
    return this.endpoints.get(endpointId)?.inFlight.size ?? 0;
  }

  private stateOf(endpointId: string): EndpointState {
    let state = this.endpoints.get(endpointId);
    if (!state) this.endpoints.set(endpointId, (state = { inFlight: new Set(), waiters: [] }));
    return state;
  }

  private occupy(endpointId: string, state: EndpointState): () => void {
    const slot = { startedAt: this.now() };
    state.inFlight.add(slot);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      state.inFlight.delete(slot);
      state.waiters.shift()?.();
      if (state.inFlight.size === 0 && state.waiters.length === 0) this.endpoints.delete(endpointId);
    };
  }

  /** Resolves when a slot of the endpoint is released, or after `timeoutMs`. */
  private released(state: EndpointState, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        state.waiters = state.waiters.filter((waiter) => waiter !== wake);
        resolve();
      }, timeoutMs);
      state.waiters.push(wake);
    });
  }
}
