import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';

/** Endpoints whose latest view is kept; past it the least recently seen is forgotten. */
const MAX_VIEWS = 1_000;

/**
 * The freshest view of each endpoint this process has had, from its claims and its reads, so
 * that an attempt gated on a view at most `maxAgeMs` old reads the endpoint again only when no
 * other attempt has seen it that recently. Under load the attempts of one claim wait behind
 * one another for a request place: each reading its endpoint anew cost one read per attempt.
 */
export class EndpointViews {
  private readonly views = new Map<string, { endpoint: WebhookEndpoint; at: number }>();

  constructor(
    private readonly read: (endpointId: string) => Promise<WebhookEndpoint | null>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A view of the endpoint at most `maxAgeMs` old: `claimed` (read at `claimedAt`, or later)
   * if it is young enough, else the freshest one seen since, else one read now.
   */
  async fresh(claimed: WebhookEndpoint, claimedAt: number): Promise<WebhookEndpoint> {
    this.seen(claimed, claimedAt);
    const known = this.views.get(claimed.id)!;
    const now = this.now();
    if (now - known.at <= this.maxAgeMs) return known.endpoint;
    // Taken before the read: what it returns is at least this fresh.
    const read = await this.read(claimed.id);
    if (!read) return known.endpoint;
    this.seen(read, now);
    return read;
  }

  private seen(endpoint: WebhookEndpoint, at: number): void {
    const known = this.views.get(endpoint.id);
    if (known && known.at >= at) return;
    this.views.delete(endpoint.id);
    this.views.set(endpoint.id, { endpoint, at });
    if (this.views.size > MAX_VIEWS) this.views.delete(this.views.keys().next().value!);
  }
}
