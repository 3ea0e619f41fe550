import type { INestApplicationContext } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig } from '../support/library-rig';
import { MB } from '../support/report';
import { eventData, EVENT_TYPE } from '../support/workload';
import type { Scenario } from './scenario';

const ENDPOINTS = 10;
const EVENTS = 20_000;
const DELIVERIES = EVENTS * ENDPOINTS;
/** How long the worker may drain; past it the rate is extrapolated to the whole backlog. */
const DRAIN_BUDGET_MS = 150_000;
const RECONCILE_INTERVAL_MS = 2_000;
const SAMPLE_EVERY_MS = 5_000;
const TARGET_RSS_MB = 300;
const TARGET_DRAIN_PER_SECOND = 2_000;

/**
 * The deliveries that piled up while the receiver was down, written straight into the
 * tables (far faster than publishing them): due ten minutes ago, never queued in Bull.
 */
async function insertBacklog(app: INestApplicationContext): Promise<void> {
  const dataSource = app.get(DataSource);
  const since = new Date(Date.now() - 10 * 60_000);
  await dataSource.query(
    `INSERT INTO webhook_events (id, type, "tenantId", data, "idempotencyKey", "createdAt")
     SELECT gen_random_uuid(), $1, NULL, $2::json, NULL, $3 FROM generate_series(1, $4)`,
    [EVENT_TYPE, JSON.stringify(eventData(0)), since, EVENTS],
  );
  await dataSource.query(
    `INSERT INTO webhook_deliveries (id, "eventId", "endpointId", "tenantId", "eventType", status, "attemptCount", "nextAttemptAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), e.id, p.id, NULL, $1, 'pending', 0, $2, $2, $2 FROM webhook_events e CROSS JOIN webhook_endpoints p`,
    [EVENT_TYPE, since],
  );
  await dataSource.query('ANALYZE');
}

/**
 * Scenario 5: 200,000 due deliveries that no queue knows about; the worker (a separate
 * process) finds them through the reconciler and drains them. Its RSS is sampled every 250 ms.
 */
export const backlogScenario: Scenario = {
  id: 'backlog',
  title: '5. Backlog',
  run: (ctx) =>
    withTeardown(async (teardown) => {
      ctx.log(`backlog: ${DELIVERIES} due deliveries, worker drains for at most ${DRAIN_BUDGET_MS / 1000} s`);
      const insertStarted = performance.now();
      const rig = await startLibraryRig(ctx, teardown, {
        label: 'backlog-worker',
        endpoints: ENDPOINTS,
        webhooks: { reconcileIntervalMs: RECONCILE_INTERVAL_MS, reconcileGraceMs: 0 },
        beforeWorker: async (app) => {
          const started = performance.now();
          await insertBacklog(app);
          ctx.log(`backlog: ${DELIVERIES} rows inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        },
      });
      const setupMs = performance.now() - insertStarted;
      const cpu = new CpuUsage(groupsWithChild(rig.worker.pid)).start();
      const startedAt = performance.now();
      const timeline: Array<{ s: number; received: number; rssMb: number }> = [];
      const sampler = setInterval(
        () => timeline.push({ s: Math.round((performance.now() - startedAt) / 1000), received: rig.receiver.count, rssMb: Math.round(rig.worker.lastRss / MB) }),
        SAMPLE_EVERY_MS,
      );
      teardown.add(() => clearInterval(sampler));
      const endedAt = await rig.receiver.waitFor(DELIVERIES, DRAIN_BUDGET_MS);
      clearInterval(sampler);
      const cpuSeconds = cpu.stop();

      const drainedMs = (endedAt ?? performance.now()) - startedAt;
      const received = rig.receiver.count;
      const first = [...rig.receiver.receipts.values()].reduce((min, at) => Math.min(min, at), Number.POSITIVE_INFINITY);
      // The rate once deliveries flow (after the reconciler's first pass found them).
      const flowingMs = (endedAt ?? performance.now()) - first;
      const rate = received > 1 ? (received * 1000) / flowingMs : 0;
      const peakRssMb = rig.worker.peakRss / MB;
      const complete = endedAt !== null;
      const scenario = backlogScenario.title;
      ctx.figure({
        scenario,
        name: `worker peak RSS, ${DELIVERIES.toLocaleString('en-US')} due`,
        value: peakRssMb,
        unit: 'MB',
        target: { text: `< ${TARGET_RSS_MB} MB`, met: peakRssMb < TARGET_RSS_MB },
        note: complete ? undefined : `over the ${(received / DELIVERIES * 100).toFixed(0)} % drained`,
      });
      ctx.figure({
        scenario,
        name: complete ? 'drain rate' : `drain rate (${received.toLocaleString('en-US')} of ${DELIVERIES.toLocaleString('en-US')} in ${DRAIN_BUDGET_MS / 1000} s)`,
        value: rate,
        unit: 'deliveries/s',
        target: { text: `≥ ${TARGET_DRAIN_PER_SECOND.toLocaleString('en-US')}/s`, met: rate >= TARGET_DRAIN_PER_SECOND && complete },
        note: otherLoadNote(cpuSeconds),
      });
      ctx.target({ id: 'T5', name: `backlog ${DELIVERIES.toLocaleString('en-US')}: worker peak RSS${process.env.BENCH_WORKER_NODE_FLAGS ? ` (flags ${process.env.BENCH_WORKER_NODE_FLAGS}, not the target's default)` : ' (default flags)'}`, value: peakRssMb, unit: 'MB', target: `< ${TARGET_RSS_MB} MB`, met: peakRssMb < TARGET_RSS_MB });
      ctx.target({ id: 'T5', name: `backlog ${DELIVERIES.toLocaleString('en-US')}: drain rate`, value: rate, unit: 'deliveries/s', target: `≥ ${TARGET_DRAIN_PER_SECOND.toLocaleString('en-US')}/s`, met: rate >= TARGET_DRAIN_PER_SECOND && complete });
      ctx.cpu(scenario, 'library, draining the backlog', received, cpuSeconds);
      ctx.figure({
        scenario,
        name: complete ? 'backlog drained in' : 'whole backlog, extrapolated',
        value: complete ? drainedMs / 1000 : (first - startedAt) / 1000 + DELIVERIES / rate,
        unit: 's',
        note: complete ? undefined : 'at the measured rate; not measured to the end',
      });
      ctx.detail('backlog', {
        deliveries: DELIVERIES,
        setupMs,
        received,
        complete,
        firstReceiptAfterWorkerReadyMs: first - startedAt,
        drainedMs,
        deliveriesPerSecond: rate,
        peakRssMb,
        peakHeapUsedMb: rig.worker.peakHeapUsed / MB,
        duplicates: rig.receiver.duplicates,
        timeline,
        cpu: cpuSeconds,
      });
    }),
};
