import { performance } from 'node:perf_hooks';
import type { WebhooksService } from 'nestjs-webhooks';
import { eventData, EVENT_TYPE } from './workload';

/** Publishes `count` events as fast as `concurrency` callers can; resolves when all returned. */
export async function publishAll(webhooks: WebhooksService, count: number, concurrency: number): Promise<{ deliveries: number }> {
  let next = 0;
  let deliveries = 0;
  const caller = async () => {
    while (next < count) {
      const result = await webhooks.publish(EVENT_TYPE, eventData(next++));
      deliveries += result.deliveryCount;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  return { deliveries };
}

export interface PacedPublishing {
  /** Event id → `performance.now()` when its publish call started. */
  calledAt: Map<string, number>;
  /** Duration of each publish call, in ms. */
  callMs: number[];
  /** Calls that could not start on time because `maxInFlight` calls were still open. */
  lateStarts: number;
  failures: number;
  /** `performance.now()` when publishing began. */
  startedAt: number;
  elapsedMs: number;
}

/** Publishes events at a steady rate, as `callAtRate` calls. */
export function publishAtRate(webhooks: WebhooksService, perSecond: number, durationMs: number, maxInFlight: number): Promise<PacedPublishing> {
  return callAtRate(perSecond, durationMs, maxInFlight, async (i) => (await webhooks.publish(EVENT_TYPE, eventData(i))).eventId!);
}

/**
 * Calls `call` at a steady `perSecond` for `durationMs` (open loop: a call starts when it is
 * due, whether or not earlier calls returned, up to `maxInFlight` open calls). Each call
 * resolves with the id its receipts arrive under (`webhook-id`).
 */
export async function callAtRate(
  perSecond: number,
  durationMs: number,
  maxInFlight: number,
  call: (i: number) => Promise<string>,
): Promise<PacedPublishing> {
  const total = Math.round((perSecond * durationMs) / 1000);
  const paced: PacedPublishing = { calledAt: new Map(), callMs: [], lateStarts: 0, failures: 0, startedAt: 0, elapsedMs: 0 };
  const open = new Set<Promise<void>>();
  const start = performance.now();
  paced.startedAt = start;
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * perSecond) / 1000) + 1);
    while (sent < due) {
      if (open.size >= maxInFlight) {
        paced.lateStarts++;
        await Promise.race(open);
        continue;
      }
      const i = sent++;
      const calledAt = performance.now();
      const pending: Promise<void> = call(i)
        .then((id) => {
          paced.calledAt.set(id, calledAt);
          paced.callMs.push(performance.now() - calledAt);
        })
        .catch(() => void paced.failures++)
        .finally(() => open.delete(pending));
      open.add(pending);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(open);
  paced.elapsedMs = performance.now() - start;
  return paced;
}
