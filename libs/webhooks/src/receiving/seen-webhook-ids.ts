/** What the replay memory knows of a `webhook-id`. */
export type SeenState = 'new' | 'in-flight' | 'handled';

interface Entry {
  state: 'in-flight' | 'handled';
  /** Epoch ms after which a request carrying this id is too old to pass the timestamp check anyway. */
  expiresAt: number;
}

/**
 * In-memory replay protection: the `webhook-id`s seen within the timestamp tolerance, at most
 * `maxEntries` of them (the oldest forgotten first), so memory stays bounded whatever arrives.
 * An id counts as handled only once a request carrying it was answered 2xx: a request whose
 * handler failed is forgotten, so the sender's retry is processed.
 */
export class SeenWebhookIds {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 10_000) {
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new RangeError('replayProtection.maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Claims `id` for a request now; says what was known of it before. */
  begin(id: string, expiresAt: number, now: number): SeenState {
    const known = this.entries.get(id);
    if (known && known.expiresAt > now) return known.state;
    if (known) this.entries.delete(id);
    this.makeRoom(now);
    this.entries.set(id, { state: 'in-flight', expiresAt });
    return 'new';
  }

  /** The request that claimed `id` was answered: remember it if it was handled, forget it otherwise. */
  finish(id: string, handled: boolean): void {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'in-flight') return;
    if (handled) entry.state = 'handled';
    else this.entries.delete(id);
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
    // Still full: forget the oldest. Protection weakens under a flood; memory does not grow.
    for (const id of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
