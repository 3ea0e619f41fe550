import { describe, expect, it } from '@jest/globals';
import { SeenWebhookIds } from './seen-webhook-ids';

const T = 1_000_000;

describe('SeenWebhookIds', () => {
  it('knows an id as in flight, then handled once answered 2xx, until it expires', () => {
    const seen = new SeenWebhookIds();
    expect(seen.begin('a', T + 300, T)).toBe('new');
    expect(seen.begin('a', T + 300, T + 1)).toBe('in-flight');
    seen.finish('a', true);
    expect(seen.begin('a', T + 300, T + 2)).toBe('handled');
    expect(seen.begin('a', T + 600, T + 300)).toBe('new');
  });

  it('forgets an id whose handling failed, so the retry is processed', () => {
    const seen = new SeenWebhookIds();
    seen.begin('a', T + 300, T);
    seen.finish('a', false);
    expect(seen.begin('a', T + 300, T + 1)).toBe('new');
  });

  it('ignores finishing an unknown or already handled id', () => {
    const seen = new SeenWebhookIds();
    seen.finish('unknown', true);
    seen.begin('a', T + 300, T);
    seen.finish('a', true);
    seen.finish('a', false);
    expect(seen.begin('a', T + 300, T)).toBe('handled');
    expect(seen.size).toBe(1);
  });

  it('stays within maxEntries, dropping expired entries first, then the oldest', () => {
    const seen = new SeenWebhookIds(3);
    seen.begin('old', T + 10, T);
    seen.begin('b', T + 1000, T);
    seen.begin('c', T + 1000, T);
    expect(seen.begin('d', T + 1000, T + 20)).toBe('new');
    expect(seen.size).toBe(3);
    expect(seen.begin('b', T + 1000, T + 20)).toBe('in-flight');
    expect(seen.begin('e', T + 1000, T + 20)).toBe('new');
    expect(seen.size).toBe(3);
    expect(seen.begin('b', T + 1000, T + 20)).toBe('new');
  });

  it('holds at most maxEntries under a flood of distinct ids', () => {
    const seen = new SeenWebhookIds(100);
    for (let n = 0; n < 10_000; n += 1) seen.begin(`id-${n}`, T + 1000, T);
    expect(seen.size).toBe(100);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses maxEntries %p', (max) => {
    expect(() => new SeenWebhookIds(max)).toThrow('replayProtection.maxEntries must be a positive integer');
  });
});
