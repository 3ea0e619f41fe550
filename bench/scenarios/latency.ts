import { withTeardown, type BenchContext } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig, type LibraryRig } from '../support/library-rig';
import { achievedRate, measurePhase } from '../support/latency-phase';
import { MB, percentile } from '../support/report';
import { eventData, EVENT_TYPE } from '../support/workload';
import { bareBullLatency } from './latency-baseline';
import type { Scenario } from './scenario';

/** The steady rates measured, one after the other on the same worker. */
const RATES = [500, 1_000];
const DURATION_MS = 20_000;
/**
 * Before the measured phases, the freshly started worker and publisher warm up (JIT, connection
 * pools growing to the load) at the first rate, until what they published has arrived.
 * Reported apart, not hidden.
 */
const WARMUP = { perSecond: RATES[0], durationMs: 5_000, drainLimitMs: 60_000 };
/** After the last publish, how long deliveries may still take to arrive. */
const DRAIN_LIMIT_MS = 60_000;
/** p99 at most this multiple of bare Bull + POST's p99 at the same rate. */
const TARGET_P99_RATIO = 3;

function publisher(rig: LibraryRig): (i: number) => Promise<string> {
  return async (i) => (await rig.webhooks.publish(EVENT_TYPE, eventData(i))).eventId!;
}

async function measureRate(ctx: BenchContext, rig: LibraryRig, perSecond: number, warmupDrained: boolean): Promise<Record<string, unknown>> {
  const cpu = new CpuUsage(groupsWithChild(rig.worker.pid)).start();
  const measured = await measurePhase(rig.receiver, { perSecond, durationMs: DURATION_MS, drainLimitMs: DRAIN_LIMIT_MS }, publisher(rig));
  const cpuSeconds = cpu.stop();
  const baseline = await bareBullLatency(ctx, perSecond);

  const p = (q: number) => percentile(measured.latencies, q);
  const baselineP99 = percentile(baseline.measured.latencies, 99);
  const ratio = p(99) / baselineP99;
  const achieved = achievedRate(measured);
  const scenario = latencyScenario.title;
  const met = ratio <= TARGET_P99_RATIO && measured.missing === 0;
  const note = notes(
    achieved < perSecond * 0.98 && `publisher reached only ${achieved.toFixed(0)} events/s`,
    measured.missing > 0 && `${measured.missing} not received within ${DRAIN_LIMIT_MS / 1000} s`,
    !warmupDrained && 'the warm-up had not drained when the measured phase began',
    otherLoadNote(cpuSeconds),
  );
  ctx.figure({ scenario, name: `${perSecond}/s: publish → receipt p50`, value: p(50), unit: 'ms' });
  ctx.figure({ scenario, name: `${perSecond}/s: publish → receipt p95`, value: p(95), unit: 'ms' });
  ctx.figure({ scenario, name: `${perSecond}/s: bare Bull + POST p99`, value: baselineP99, unit: 'ms' });
  ctx.figure({
    scenario,
    name: `${perSecond}/s: publish → receipt p99 (${DURATION_MS / 1000} s)`,
    value: p(99),
    unit: 'ms',
    ratio: { value: ratio, against: 'bare Bull p99' },
    target: { text: `≤ ${TARGET_P99_RATIO} × bare Bull p99`, met },
    note,
  });
  ctx.target({
    id: 'T3',
    name: `p99 publish → receipt, ${perSecond} events/s`,
    value: p(99),
    unit: 'ms',
    baseline: { name: 'bare Bull + POST p99', value: baselineP99, unit: 'ms' },
    ratio,
    target: `≤ ${TARGET_P99_RATIO} ×`,
    met,
  });
  ctx.cpu(scenario, `library, ${perSecond} events/s`, measured.paced.calledAt.size, cpuSeconds);
  ctx.cpu(scenario, `bare Bull + POST, ${perSecond} jobs/s`, baseline.measured.paced.calledAt.size, baseline.cpu);
  return {
    events: measured.paced.calledAt.size,
    achievedEventsPerSecond: achieved,
    lateStarts: measured.paced.lateStarts,
    publishFailures: measured.paced.failures,
    publishCallMs: { p50: percentile(measured.paced.callMs, 50), p99: percentile(measured.paced.callMs, 99), max: percentile(measured.paced.callMs, 100) },
    latencyMs: { p50: p(50), p95: p(95), p99: p(99), max: p(100) },
    latencyP50BySecondMs: measured.p50BySecond,
    missing: measured.missing,
    lastReceiptAfterLastPublishMs: measured.drainMs,
    cpu: cpuSeconds,
    bareBull: { latencyMs: { p50: percentile(baseline.measured.latencies, 50), p99: baselineP99 }, missing: baseline.measured.missing, cpu: baseline.cpu },
  };
}

/** Scenario 2: steady rates to one endpoint; latency from the publish call to receipt, against bare Bull + POST's at the same rate. */
export const latencyScenario: Scenario = {
  id: 'latency',
  title: '2. Latency',
  run: (ctx) =>
    withTeardown(async (teardown) => {
      ctx.log(`latency: ${RATES.join(' then ')} events/s to 1 endpoint, ${WARMUP.durationMs / 1000} s warm-up then ${DURATION_MS / 1000} s each`);
      const rig = await startLibraryRig(ctx, teardown, { label: 'latency-worker', endpoints: 1 });
      const warmup = await measurePhase(rig.receiver, WARMUP, publisher(rig));
      ctx.figure({ scenario: latencyScenario.title, name: `warm-up p99 (fresh worker, first ${WARMUP.durationMs / 1000} s)`, value: percentile(warmup.latencies, 99), unit: 'ms' });
      const byRate: Record<string, unknown> = {};
      for (const perSecond of RATES) byRate[perSecond] = await measureRate(ctx, rig, perSecond, warmup.drainMs !== null);
      ctx.detail('latency', {
        byRate,
        warmup: { events: warmup.paced.calledAt.size, latencyMs: { p50: percentile(warmup.latencies, 50), p99: percentile(warmup.latencies, 99) }, latencyP50BySecondMs: warmup.p50BySecond, drainMs: warmup.drainMs },
        workerPeakRssMb: rig.worker.peakRss / MB,
        duplicates: rig.receiver.duplicates,
      });
    }),
};
