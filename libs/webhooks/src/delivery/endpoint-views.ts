import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';

/** Endpoints whose latest view is kept; past it the least recently seen is forgotten. */
const MAX_VIEWS = 1_000;

/** How old a view may be: `failingMs` once this process saw an attempt to the endpoint fail since the view was taken, `quietMs` otherwise. */
export interface ViewAges {
  failingMs: number;
  quietMs: number;
}

/**
 * How long the worker trusts a view of an endpoint (from a claim or a read) to gate an attempt:
 * briefly once an attempt of this process to it failed since (its circuit may have opened),
 * longer otherwise (a change made elsewhere, a pause or another process's circuit, gates within that).
 */
export const ENDPOINT_VIEW_AGES: ViewAges = { failingMs: 100, quietMs: 1_000 };

interface View {
  endpoint: WebhookEndpoint;
  at: number;
  /** When this process last saw an attempt to the endpoint fail. */
  failedAt?: number;
}

/**
 * The freshest view of each endpoint this process has had, from its claims and its reads, so
 * that an attempt gated on a view reads the endpoint again only when no other attempt has seen
 * it recently enough. Under load the attempts of one claim wait behind one another for a
 * request place: each reading its endpoint anew cost one read per attempt (in a fan-out, one
 * per endpoint). What makes a view stale is mostly this process's own failures (they open the
 * circuit), so a view with no failure seen since it was taken is trusted for longer; what
 * other processes or the API change reaches the gate within `quietMs`.
 */
export class EndpointViews {
  private readonly views = new Map<string, View>();

  constructor(
    private readonly read: (endpointId: string) => Promise<WebhookEndpoint | null>,
    private readonly ages: ViewAges,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A view of the endpoint young enough: `claimed` (read at `claimedAt`, or later) if it is,
   * else the freshest one seen since, else one read now.
   */
  async fresh(claimed: WebhookEndpoint, claimedAt: number): Promise<WebhookEndpoint> {
    this.seen(claimed, claimedAt);
    const known = this.views.get(claimed.id)!;
    const now = this.now();
    const failedSince = known.failedAt !== undefined && known.failedAt >= known.at;
    if (now - known.at <= (failedSince ? this.ages.failingMs : this.ages.quietMs)) return known.endpoint;
    // Taken before the read: what it returns is at least this fresh.
    const read = await this.read(claimed.id);
    if (!read) return known.endpoint;
    this.seen(read, now);
    return read;
  }

  /** An attempt to the endpoint failed at `at`: views taken before it are trusted for `failingMs` only. */
  failed(endpointId: string, at: number): void {
    const known = this.views.get(endpointId);
    if (known) known.failedAt = Math.max(known.failedAt ?? at, at);
  }

  private seen(endpoint: WebhookEndpoint, at: number): void {
    const known = this.views.get(endpoint.id);
    if (known && known.at >= at) return;
    this.views.delete(endpoint.id);
    this.views.set(endpoint.id, { endpoint, at, failedAt: known?.failedAt });
    if (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
  }
}
