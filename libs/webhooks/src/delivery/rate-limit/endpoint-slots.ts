/** How a request ended, for the endpoint's cap: `timedOut` when no answer came within its timeout. */
export interface SlotOutcome {
  timedOut: boolean;
}

/** Whether an attempt may start now; `release` must be called once it has ended, with its request's outcome if it sent one. */
export type SlotAnswer = { kind: 'go'; release: (outcome?: SlotOutcome) => void } | { kind: 'wait'; until: Date };

/**
 * A request in flight longer than this marks its endpoint as slow: further deliveries to it
 * no longer wait in the process for a slot, they are postponed.
 */
export const SLOW_REQUEST_MS = 1_000;

interface EndpointState {
  /** Start times of the attempts in flight. */
  inFlight: Set<{ startedAt: number }>;
  waiters: Array<() => void>;
  /** Attempts in flight allowed now, up to `limit`: halved by each request that times out, doubled by each answer. */
  cap: number;
  limit: number;
  /** Whether its last request ended without an answer: a slot will not free within milliseconds. */
  lastTimedOut: boolean;
}

/**
 * Caps the attempts in flight to one endpoint in this process, so that an endpoint that
 * answers slowly or never cannot take every worker slot while healthy endpoints wait.
 *
 * Each request that times out halves the endpoint's cap (down to one), each answer doubles it
 * back up to the limit: past its first timeouts, an endpoint that never answers holds one
 * request, not the limit, for each timeout. An endpoint below the limit is remembered while
 * idle; one at the limit is forgotten.
 *
 * At the cap, a delivery to a fast endpoint waits here for a slot (it frees within
 * milliseconds); to a slow endpoint (its oldest request has been out for `SLOW_REQUEST_MS`,
 * or its last one timed out) it gets `wait` until that request times out, and its worker
 * slot goes to other work.
 */
export class EndpointSlots {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(endpointId: string, limit: number, requestTimeoutMs: number): Promise<SlotAnswer> {
    for (;;) {
      // Looked up on every turn: an idle endpoint's state is dropped while this one waits.
      const state = this.stateOf(endpointId, limit);
      if (state.inFlight.size < Math.min(state.cap, limit)) return { kind: 'go', release: this.occupy(endpointId, state) };
      const oldest = Math.min(...[...state.inFlight].map((slot) => slot.startedAt));
      const slowFrom = oldest + SLOW_REQUEST_MS;
      // Until the oldest request times out; if it is past that and still out (a busy event
      // loop has not handled its timeout yet), a little later: never in the past, which would
      // make the delivery due again at once, over and over.
      if (state.lastTimedOut || this.now() >= slowFrom) return { kind: 'wait', until: new Date(Math.max(oldest + requestTimeoutMs, this.now() + SLOW_REQUEST_MS)) };
      await this.released(state, slowFrom - this.now());
    }
  }

  /** Attempts in flight to the endpoint (tests read it). */
  inFlight(endpointId: string): number {
    return this.endpoints.get(endpointId)?.inFlight.size ?? 0;
  }

  /** The endpoint's cap now (tests read it). */
  capOf(endpointId: string): number | undefined {
    return this.endpoints.get(endpointId)?.cap;
  }

  private stateOf(endpointId: string, limit: number): EndpointState {
    let state = this.endpoints.get(endpointId);
    if (!state) this.endpoints.set(endpointId, (state = { inFlight: new Set(), waiters: [], cap: limit, limit, lastTimedOut: false }));
    state.limit = limit;
    return state;
  }

  private occupy(endpointId: string, state: EndpointState): (outcome?: SlotOutcome) => void {
    const slot = { startedAt: this.now() };
    state.inFlight.add(slot);
    let released = false;
    return (outcome?: SlotOutcome) => {
      if (released) return;
      released = true;
      state.inFlight.delete(slot);
      if (outcome) {
        state.cap = outcome.timedOut ? Math.max(1, Math.floor(state.cap / 2)) : Math.min(state.limit, state.cap * 2);
        state.lastTimedOut = outcome.timedOut;
      }
      for (let free = state.cap - state.inFlight.size; free > 0 && state.waiters.length > 0; free--) state.waiters.shift()!();
      if (state.inFlight.size === 0 && state.waiters.length === 0 && state.cap >= state.limit) this.endpoints.delete(endpointId);
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
