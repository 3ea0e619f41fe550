import { describe, expect, it, jest } from '@jest/globals';
import type { WebhookEndpoint } from '../storage/entities/endpoint.entity';
import { EndpointViews } from './endpoint-views';

const MAX_AGE_MS = 100;
const view = (id: string, circuitOpenUntil: Date | null = null) => ({ id, circuitOpenUntil }) as WebhookEndpoint;

describe('EndpointViews', () => {
  const setup = () => {
    let now = 1_000_000;
    const stored = new Map<string, WebhookEndpoint>();
    const read = jest.fn(async (id: string) => stored.get(id) ?? null);
    const views = new EndpointViews(read, MAX_AGE_MS, () => now);
    return { views, read, stored, advance: (ms: number) => (now += ms), at: () => now };
  };

  it('trusts a claim’s view while it is young enough', async () => {
    const { views, read, at } = setup();
    const claimed = view('a');
    await expect(views.fresh(claimed, at() - MAX_AGE_MS)).resolves.toBe(claimed);
    expect(read).not.toHaveBeenCalled();
  });

  it('reads an old view again, and the read serves the other attempts for MAX_AGE_MS', async () => {
    const { views, read, stored, advance, at } = setup();
    const claimedAt = at();
    stored.set('a', view('a', new Date(at() + 60_000)));
    advance(MAX_AGE_MS + 1);
    const first = await views.fresh(view('a'), claimedAt);
    expect(first.circuitOpenUntil).not.toBeNull();
    advance(MAX_AGE_MS);
    await expect(views.fresh(view('a'), claimedAt)).resolves.toBe(first);
    expect(read).toHaveBeenCalledTimes(1);

    advance(1);
    await views.fresh(view('a'), claimedAt);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('an attempt from an older claim gets the view of a newer claim of the same endpoint', async () => {
    const { views, read, advance, at } = setup();
    const oldClaimAt = at();
    advance(MAX_AGE_MS * 3);
    const newer = view('a', new Date(at() + 60_000));
    await views.fresh(newer, at());
    await expect(views.fresh(view('a'), oldClaimAt)).resolves.toBe(newer);
    expect(read).not.toHaveBeenCalled();
  });

  it('keeps the old view when the endpoint is gone from the database', async () => {
    const { views, advance, at } = setup();
    const claimed = view('a');
    const claimedAt = at();
    advance(MAX_AGE_MS + 1);
    await expect(views.fresh(claimed, claimedAt)).resolves.toBe(claimed);
  });
});
