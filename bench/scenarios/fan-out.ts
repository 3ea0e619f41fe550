import { performance } from 'node:perf_hooks';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig } from '../support/library-rig';
import { MB } from '../support/report';
import { eventData, EVENT_TYPE } from '../support/workload';
import type { Scenario } from './scenario';

const ENDPOINTS = 10_000;
const WAIT_LIMIT_MS = 120_000;
const TARGET_PUBLISH_MS = 1_000;

/** Scenario 3: one event to 10,000 endpoints. */
export const fanOutScenario: Scenario = {
  id: 'fan-out',
  title: '3. Fan-out',
  run: (ctx) =>
    withTeardown(async (teardown) => {
      ctx.log(`fan-out: 1 event to ${ENDPOINTS} endpoints`);
      const rig = await startLibraryRig(ctx, teardown, { label: 'fan-out-worker', endpoints: ENDPOINTS });
      const cpu = new CpuUsage(groupsWithChild(rig.worker.pid)).start();
      const startedAt = performance.now();
      const result = await rig.webhooks.publish(EVENT_TYPE, eventData(0));
      const publishMs = performance.now() - startedAt;
      const endedAt = await rig.receiver.waitFor(ENDPOINTS, WAIT_LIMIT_MS);
      const allMs = (endedAt ?? performance.now()) - startedAt;
      const cpuSeconds = cpu.stop();

      const scenario = fanOutScenario.title;
      ctx.figure({
        scenario,
        name: `publish returns (${ENDPOINTS.toLocaleString('en-US')} deliveries)`,
        value: publishMs,
        unit: 'ms',
        target: { text: `≤ ${TARGET_PUBLISH_MS} ms`, met: publishMs <= TARGET_PUBLISH_MS && result.deliveryCount === ENDPOINTS },
        note: notes(result.deliveryCount !== ENDPOINTS && `publish reported ${result.deliveryCount} deliveries`, otherLoadNote(cpuSeconds)),
      });
      ctx.figure({
        scenario,
        name: 'all received',
        value: allMs / 1000,
        unit: 's',
        note: notes(endedAt === null && `only ${rig.receiver.count} arrived within ${WAIT_LIMIT_MS / 1000} s`, otherLoadNote(cpuSeconds)),
      });
      ctx.detail('fan-out', {
        endpoints: ENDPOINTS,
        deliveryCount: result.deliveryCount,
        publishMs,
        allReceivedMs: endedAt === null ? null : allMs,
        received: rig.receiver.count,
        deliveriesPerSecond: (rig.receiver.count * 1000) / allMs,
        workerPeakRssMb: rig.worker.peakRss / MB,
        duplicates: rig.receiver.duplicates,
        cpu: cpuSeconds,
      });
    }),
};
