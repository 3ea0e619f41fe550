import { describe, expect, it, jest } from '@jest/globals';
import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';
import { EndpointViews } from './endpoint-views';

const MAX_AGE_MS = 100;
const QUIET_MS = 1_000;
const view = (id: string, circuitOpenUntil: Date | null = null) => ({ id, circuitOpenUntil }) as WebhookEndpoint;

describe('EndpointViews', () => {
  const setup = () => {
    let now = 1_000_000;
    const stored = new Map<string, WebhookEndpoint>();
    const read = jest.fn(async (id: string) => stored.get(id) ?? null);
    const views = new EndpointViews(read, { failingMs: MAX_AGE_MS, quietMs: QUIET_MS }, () => now);
    return { views, read, stored, advance: (ms: number) => (now += ms), at: () => now };
  };

  it('trusts a claim’s view while it is young enough', async () => {
    const { views, read, at } = setup();
    const claimed = view('a');
    await expect(views.fresh(claimed, at() - QUIET_MS)).resolves.toBe(claimed);
    expect(read).not.toHaveBeenCalled();
    await views.fresh(view('a'), at() - QUIET_MS - 1);
    expect(read).not.toHaveBeenCalled(); // the newer view, of the first call, still serves
  });

  it('reads a quiet view again past QUIET_MS', async () => {
    const { views, read, advance, at } = setup();
    const claimedAt = at();
    advance(QUIET_MS + 1);
    await views.fresh(view('a'), claimedAt);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('trusts a view taken before a failure of this process for MAX_AGE_MS only, and a read after it for QUIET_MS', async () => {
    const { views, read, stored, advance, at } = setup();
    const claimedAt = at();
    await views.fresh(view('a'), claimedAt);
    advance(MAX_AGE_MS);
    views.failed('a', at());
    await views.fresh(view('a'), claimedAt);
    expect(read).not.toHaveBeenCalled();

    advance(1);
    stored.set('a', view('a', new Date(at() + 60_000)));
    const after = await views.fresh(view('a'), claimedAt);
    expect(after.circuitOpenUntil).not.toBeNull();
    expect(read).toHaveBeenCalledTimes(1);
    advance(QUIET_MS);
    await expect(views.fresh(view('a'), claimedAt)).resolves.toBe(after);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('a failure seen before the claim does not shorten the claim’s view', async () => {
    const { views, read, advance, at } = setup();
    await views.fresh(view('a'), at());
    views.failed('a', at());
    advance(1);
    const claimed = view('a');
    const claimedAt = at();
    advance(MAX_AGE_MS + 1);
    await expect(views.fresh(claimed, claimedAt)).resolves.toBe(claimed);
    expect(read).not.toHaveBeenCalled();
  });

  it('reads an old view again, and the read serves the other attempts for QUIET_MS', async () => {
    const { views, read, stored, advance, at } = setup();
    const claimedAt = at();
    stored.set('a', view('a', new Date(at() + 60_000)));
    advance(QUIET_MS + 1);
    const first = await views.fresh(view('a'), claimedAt);
    expect(first.circuitOpenUntil).not.toBeNull();
    advance(QUIET_MS);
    await expect(views.fresh(view('a'), claimedAt)).resolves.toBe(first);
    expect(read).toHaveBeenCalledTimes(1);

    advance(1);
    await views.fresh(view('a'), claimedAt);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('an attempt from an older claim gets the view of a newer claim of the same endpoint', async () => {
    const { views, read, advance, at } = setup();
    const oldClaimAt = at();
    advance(QUIET_MS * 3);
    const newer = view('a', new Date(at() + 60_000));
    await views.fresh(newer, at());
    await expect(views.fresh(view('a'), oldClaimAt)).resolves.toBe(newer);
    expect(read).not.toHaveBeenCalled();
  });

  it('keeps the old view when the endpoint is gone from the database', async () => {
    const { views, advance, at } = setup();
    const claimed = view('a');
    const claimedAt = at();
    advance(QUIET_MS + 1);
    await expect(views.fresh(claimed, claimedAt)).resolves.toBe(claimed);
  });
});
