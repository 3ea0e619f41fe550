import { describe, expect, it } from '@jest/globals';
import type { DeliveryWorker } from '../../delivery/delivery.worker';
import { resolveWebhooksOptions } from '../../options/resolved-options';
import type { DeliveriesRepository } from '../../storage/deliveries/deliveries.repository';
import type { Claim } from '../../storage/deliveries/delivery-records';
import { EmbeddedDeliveryDispatcher } from './embedded-delivery.dispatcher';

describe('EmbeddedDeliveryDispatcher', () => {
  // As with a synchronous driver (SQLite): every claim resolves at once, and every attempt ends
  // at once (postponed, as behind a busy endpoint), so nothing the dispatcher awaits is I/O.
  it('lets the event loop turn while what it claims ends at once', async () => {
    // The budget ends a loop that never yields (claims stop, the dispatcher sleeps on a timer),
    // so that the test fails instead of hanging.
    const BUDGET = 20_000;
    let claimed = 0;
    const deliveries = {
      claimDue: async (_now: Date, _except: readonly string[], limit: number) =>
        Array.from({ length: claimed >= BUDGET ? 0 : limit }, () => ({ delivery: { id: `d${claimed++}` }, endpoint: null }) as unknown as Claim),
    } as unknown as DeliveriesRepository;
    const worker = {
      attemptTaken: async () => {
        // A few awaits, as an attempt's claim check, event read and postponement are.
        for (let i = 0; i < 10; i++) await Promise.resolve();
        return { kind: 'later', at: new Date(Date.now() + 60_000), released: [] };
      },
      stop: async () => undefined,
    } as unknown as DeliveryWorker;
    const dispatcher = new EmbeddedDeliveryDispatcher(resolveWebhooksOptions({ concurrency: 4 }), deliveries, worker);
    dispatcher.onApplicationBootstrap();
    try {
      // Without a turn of the event loop between polls, this timer fires only once the budget is spent.
      const claimedWhenTimerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(claimed), 10));
      expect(claimedWhenTimerFired).toBeGreaterThan(0);
      expect(claimedWhenTimerFired).toBeLessThan(BUDGET);
    } finally {
      await dispatcher.onModuleDestroy();
    }
  });

  it('holds at most 4 × concurrency claimed attempts, and polls again once `concurrency` of them are done', async () => {
    const limits: number[] = [];
    const finish: Array<() => void> = [];
    let next = 0;
    const deliveries = {
      claimDue: async (_now: Date, _except: readonly string[], limit: number) => {
        limits.push(limit);
        return Array.from({ length: limit }, () => ({ delivery: { id: `d${next++}` }, endpoint: null }) as unknown as Claim);
      },
    } as unknown as DeliveriesRepository;
    const worker = {
      attemptTaken: () => new Promise((resolve) => finish.push(() => resolve({ kind: 'done', released: [] }))),
      stop: async () => undefined,
    } as unknown as DeliveryWorker;
    // A poll interval longer than the test: polls come from attempts ending, not from the timer.
    const dispatcher = new EmbeddedDeliveryDispatcher(resolveWebhooksOptions({ concurrency: 2, pollIntervalMs: 60_000 }), deliveries, worker);
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    dispatcher.onApplicationBootstrap();
    try {
      await turn();
      expect(limits).toEqual([8]);
      finish.shift()!();
      await turn();
      expect(limits).toEqual([8]);
      finish.shift()!();
      await turn();
      await turn();
      expect(limits).toEqual([8, 2]);
    } finally {
      for (const done of finish.splice(0)) done();
      await dispatcher.onModuleDestroy();
    }
  });
});
