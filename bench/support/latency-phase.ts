import { performance } from 'node:perf_hooks';
import { callAtRate, type PacedPublishing } from './publishing';
import type { BenchReceiver } from './receiver';
import { percentile } from './report';

/** Open calls at most; past it the caller falls behind (counted as late starts). */
export const MAX_OPEN_CALLS = 64;

export interface Phase {
  perSecond: number;
  durationMs: number;
  /** After the last call, how long receipts may still take to arrive. */
  drainLimitMs: number;
}

export interface PhaseLatencies {
  paced: PacedPublishing;
  latencies: number[];
  /** Median latency of the calls made in each second of the phase. */
  p50BySecond: number[];
  missing: number;
  /** Time from the last call's return to the last receipt, null when some never came. */
  drainMs: number | null;
}

/**
 * Calls `call` at the phase's rate and measures, per call, the time from the call to the
 * first receipt under the id it resolved with. Receipts still missing after the drain limit
 * count as the limit, so they weigh on p99.
 */
export async function measurePhase(receiver: BenchReceiver, phase: Phase, call: (i: number) => Promise<string>): Promise<PhaseLatencies> {
  const before = receiver.count;
  const paced = await callAtRate(phase.perSecond, phase.durationMs, MAX_OPEN_CALLS, call);
  const calledAllAt = performance.now();
  const drained = await receiver.waitFor(before + paced.calledAt.size, phase.drainLimitMs);
  const latencies: number[] = [];
  const bySecond: number[][] = [];
  for (const [id, calledAt] of paced.calledAt) {
    const receivedAt = receiver.firstByEvent.get(id);
    if (receivedAt === undefined) continue;
    latencies.push(receivedAt - calledAt);
    (bySecond[Math.floor((calledAt - paced.startedAt) / 1000)] ??= []).push(receivedAt - calledAt);
  }
  const missing = paced.calledAt.size - latencies.length;
  for (let i = 0; i < missing; i++) latencies.push(phase.drainLimitMs);
  return {
    paced,
    latencies,
    p50BySecond: bySecond.map((samples) => Math.round(percentile(samples ?? [], 50))),
    missing,
    drainMs: drained === null ? null : Math.max(0, drained - calledAllAt),
  };
}

/** The rate the caller reached (below the asked one when it fell behind). */
export function achievedRate(phase: PhaseLatencies): number {
  return (phase.paced.calledAt.size * 1000) / phase.paced.elapsedMs;
}
