import { performance } from 'node:perf_hooks';
import type { WebhooksService } from 'nestjs-webhooks';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig } from '../support/library-rig';
import { publishAtRate, type PacedPublishing } from '../support/publishing';
import type { BenchReceiver } from '../support/receiver';
import { MB, percentile } from '../support/report';
import type { Scenario } from './scenario';

const EVENTS_PER_SECOND = 500;
const DURATION_MS = 20_000;
/**
 * Before the measured phase, the freshly started worker and publisher warm up (JIT, connection
 * pools growing to the load) at the same rate, until what they published has arrived.
 * Reported apart, not hidden.
 */
const WARMUP = { perSecond: EVENTS_PER_SECOND, durationMs: 5_000, drainLimitMs: 60_000 };
/** Open publish calls at most; past it the publisher falls behind (counted as late starts). */
const MAX_OPEN_PUBLISHES = 64;
/** After the last publish, how long deliveries may still take to arrive. */
const DRAIN_LIMIT_MS = 60_000;
const TARGET_P99_MS = 50;

interface PhaseLatencies {
  paced: PacedPublishing;
  latencies: number[];
  /** Median latency of the events published in each second of the phase. */
  p50BySecond: number[];
  missing: number;
  /** Time from the last publish call's return to the last receipt, null when some never came. */
  drainMs: number | null;
}

async function measurePhase(
  webhooks: WebhooksService,
  receiver: BenchReceiver,
  phase: { perSecond: number; durationMs: number; drainLimitMs: number },
): Promise<PhaseLatencies> {
  const before = receiver.count;
  const paced = await publishAtRate(webhooks, phase.perSecond, phase.durationMs, MAX_OPEN_PUBLISHES);
  const publishedAt = performance.now();
  const drained = await receiver.waitFor(before + paced.calledAt.size, phase.drainLimitMs);
  const latencies: number[] = [];
  const bySecond: number[][] = [];
  for (const [eventId, calledAt] of paced.calledAt) {
    const receivedAt = receiver.firstByEvent.get(eventId);
    if (receivedAt === undefined) continue;
    latencies.push(receivedAt - calledAt);
    (bySecond[Math.floor((calledAt - paced.startedAt) / 1000)] ??= []).push(receivedAt - calledAt);
  }
  const missing = paced.calledAt.size - latencies.length;
  // Deliveries still missing after the drain limit count as the limit, so they weigh on p99.
  for (let i = 0; i < missing; i++) latencies.push(phase.drainLimitMs);
  return {
    paced,
    latencies,
    p50BySecond: bySecond.map((samples) => Math.round(percentile(samples ?? [], 50))),
    missing,
    drainMs: drained === null ? null : Math.max(0, drained - publishedAt),
  };
}

/** Scenario 2: a steady 500 events/s to one endpoint; latency from the publish call to receipt. */
export const latencyScenario: Scenario = {
  id: 'latency',
  title: '2. Latency',
  run: (ctx) =>
    withTeardown(async (teardown) => {
      ctx.log(`latency: ${EVENTS_PER_SECOND} events/s to 1 endpoint, ${WARMUP.durationMs / 1000} s warm-up then ${DURATION_MS / 1000} s measured`);
      const rig = await startLibraryRig(ctx, teardown, { label: 'latency-worker', endpoints: 1 });
      const warmup = await measurePhase(rig.webhooks, rig.receiver, WARMUP);
      const cpu = new CpuUsage(groupsWithChild(rig.worker.pid)).start();
      const measured = await measurePhase(rig.webhooks, rig.receiver, { perSecond: EVENTS_PER_SECOND, durationMs: DURATION_MS, drainLimitMs: DRAIN_LIMIT_MS });
      const cpuSeconds = cpu.stop();

      const p = (q: number) => percentile(measured.latencies, q);
      const achieved = (measured.paced.calledAt.size * 1000) / measured.paced.elapsedMs;
      const scenario = latencyScenario.title;
      const note = notes(
        achieved < EVENTS_PER_SECOND * 0.98 && `publisher reached only ${achieved.toFixed(0)} events/s`,
        measured.missing > 0 && `${measured.missing} not received within ${DRAIN_LIMIT_MS / 1000} s`,
        warmup.drainMs === null && 'the warm-up had not drained when the measured phase began',
        otherLoadNote(cpuSeconds),
      );
      ctx.figure({
        scenario,
        name: `warm-up p99 (fresh worker, first ${WARMUP.durationMs / 1000} s)`,
        value: percentile(warmup.latencies, 99),
        unit: 'ms',
      });
      ctx.figure({ scenario, name: 'publish → receipt p50', value: p(50), unit: 'ms' });
      ctx.figure({ scenario, name: 'publish → receipt p95', value: p(95), unit: 'ms' });
      ctx.figure({
        scenario,
        name: `publish → receipt p99 (${EVENTS_PER_SECOND}/s for ${DURATION_MS / 1000} s)`,
        value: p(99),
        unit: 'ms',
        target: { text: `≤ ${TARGET_P99_MS} ms`, met: p(99) <= TARGET_P99_MS && measured.missing === 0 },
        note,
      });
      ctx.detail('latency', {
        events: measured.paced.calledAt.size,
        achievedEventsPerSecond: achieved,
        lateStarts: measured.paced.lateStarts,
        publishFailures: measured.paced.failures,
        publishCallMs: {
          p50: percentile(measured.paced.callMs, 50),
          p99: percentile(measured.paced.callMs, 99),
          max: percentile(measured.paced.callMs, 100),
        },
        latencyMs: { p50: p(50), p95: p(95), p99: p(99), max: p(100) },
        latencyP50BySecondMs: measured.p50BySecond,
        missing: measured.missing,
        lastReceiptAfterLastPublishMs: measured.drainMs,
        warmup: {
          events: warmup.paced.calledAt.size,
          latencyMs: { p50: percentile(warmup.latencies, 50), p99: percentile(warmup.latencies, 99) },
          latencyP50BySecondMs: warmup.p50BySecond,
          drainMs: warmup.drainMs,
        },
        workerPeakRssMb: rig.worker.peakRss / MB,
        duplicates: rig.receiver.duplicates,
        cpu: cpuSeconds,
      });
    }),
};
