import { performance } from 'node:perf_hooks';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig } from '../support/library-rig';
import { publishAtRate } from '../support/publishing';
import { MB, percentile } from '../support/report';
import type { Scenario } from './scenario';

const EVENTS_PER_SECOND = 500;
const DURATION_MS = 20_000;
/** Open publish calls at most; past it the publisher falls behind (counted as late starts). */
const MAX_OPEN_PUBLISHES = 64;
/** After the last publish, how long deliveries may still take to arrive. */
const DRAIN_LIMIT_MS = 60_000;
const TARGET_P99_MS = 50;

/** Scenario 2: a steady 500 events/s to one endpoint; latency from the publish call to receipt. */
export const latencyScenario: Scenario = {
  id: 'latency',
  title: '2. Latency',
  run: (ctx) =>
    withTeardown(async (teardown) => {
      ctx.log(`latency: ${EVENTS_PER_SECOND} events/s for ${DURATION_MS / 1000} s to 1 endpoint`);
      const rig = await startLibraryRig(ctx, teardown, { label: 'latency-worker', endpoints: 1 });
      const cpu = new CpuUsage(groupsWithChild(rig.worker.pid)).start();
      const paced = await publishAtRate(rig.webhooks, EVENTS_PER_SECOND, DURATION_MS, MAX_OPEN_PUBLISHES);
      const publishedAt = performance.now();
      const expected = paced.calledAt.size;
      const drained = await rig.receiver.waitFor(expected, DRAIN_LIMIT_MS);
      const cpuSeconds = cpu.stop();

      const latencies: number[] = [];
      for (const [eventId, calledAt] of paced.calledAt) {
        const receivedAt = rig.receiver.firstByEvent.get(eventId);
        if (receivedAt !== undefined) latencies.push(receivedAt - calledAt);
      }
      const missing = expected - latencies.length;
      // Deliveries still missing after the drain limit count as the limit, so they weigh on p99.
      for (let i = 0; i < missing; i++) latencies.push(DRAIN_LIMIT_MS);
      const p = (q: number) => percentile(latencies, q);
      const achieved = (paced.calledAt.size * 1000) / paced.elapsedMs;
      const scenario = latencyScenario.title;
      const note = notes(
        achieved < EVENTS_PER_SECOND * 0.98 && `publisher reached only ${achieved.toFixed(0)} events/s`,
        missing > 0 && `${missing} not received within ${DRAIN_LIMIT_MS / 1000} s`,
        otherLoadNote(cpuSeconds),
      );
      ctx.figure({ scenario, name: 'publish → receipt p50', value: p(50), unit: 'ms' });
      ctx.figure({ scenario, name: 'publish → receipt p95', value: p(95), unit: 'ms' });
      ctx.figure({
        scenario,
        name: `publish → receipt p99 (${EVENTS_PER_SECOND}/s, ${DURATION_MS / 1000} s)`,
        value: p(99),
        unit: 'ms',
        target: { text: `≤ ${TARGET_P99_MS} ms`, met: p(99) <= TARGET_P99_MS && missing === 0 },
        note,
      });
      ctx.detail('latency', {
        events: expected,
        achievedEventsPerSecond: achieved,
        lateStarts: paced.lateStarts,
        publishFailures: paced.failures,
        publishCallMs: { p50: percentile(paced.callMs, 50), p99: percentile(paced.callMs, 99), max: percentile(paced.callMs, 100) },
        latencyMs: { p50: p(50), p95: p(95), p99: p(99), max: p(100) },
        missing,
        lastReceiptAfterLastPublishMs: drained === null ? null : Math.max(0, drained - publishedAt),
        workerPeakRssMb: rig.worker.peakRss / MB,
        duplicates: rig.receiver.duplicates,
        cpu: cpuSeconds,
      });
    }),
};
