import { performance } from 'node:perf_hooks';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig } from '../support/library-rig';
import { MB } from '../support/report';
import { eventData, EVENT_TYPE } from '../support/workload';
import { bareBullRate } from './baselines';
import type { Scenario } from './scenario';

const ENDPOINTS = 10_000;
const WAIT_LIMIT_MS = 120_000;
/** All received within this multiple of bare Bull + POST's time for as many jobs; publish returns within the other. */
const TARGET_ALL_RATIO = 1.5;
const TARGET_PUBLISH_RATIO = 0.5;

/** Scenario 3: one event to 10,000 endpoints, against bare Bull + POST running 10,000 jobs. */
export const fanOutScenario: Scenario = {
  id: 'fan-out',
  title: '3. Fan-out',
  async run(ctx) {
    const bull = await bareBullRate(ctx, ENDPOINTS);
    await withTeardown(async (teardown) => {
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
      const publishRatio = publishMs / bull.ms;
      const allRatio = allMs / bull.ms;
      const publishMet = publishRatio <= TARGET_PUBLISH_RATIO && result.deliveryCount === ENDPOINTS;
      const allMet = allRatio <= TARGET_ALL_RATIO && endedAt !== null;
      const bullName = `bare Bull + POST, ${ENDPOINTS.toLocaleString('en-US')} jobs`;
      ctx.figure({ scenario, name: bullName, value: bull.ms, unit: 'ms', note: notes(!bull.complete && 'incomplete') });
      ctx.figure({
        scenario,
        name: `publish returns (${ENDPOINTS.toLocaleString('en-US')} deliveries)`,
        value: publishMs,
        unit: 'ms',
        ratio: { value: publishRatio, against: 'bare Bull' },
        target: { text: `≤ ${TARGET_PUBLISH_RATIO} × bare Bull`, met: publishMet },
        note: notes(result.deliveryCount !== ENDPOINTS && `publish reported ${result.deliveryCount} deliveries`, otherLoadNote(cpuSeconds)),
      });
      ctx.figure({
        scenario,
        name: 'all received',
        value: allMs,
        unit: 'ms',
        ratio: { value: allRatio, against: 'bare Bull' },
        target: { text: `≤ ${TARGET_ALL_RATIO} × bare Bull`, met: allMet },
        note: notes(endedAt === null && `only ${rig.receiver.count} arrived within ${WAIT_LIMIT_MS / 1000} s`, otherLoadNote(cpuSeconds)),
      });
      const baseline = { name: bullName, value: bull.ms, unit: 'ms' };
      ctx.target({ id: 'T4', name: `fan-out 1 → ${ENDPOINTS.toLocaleString('en-US')}: all received`, value: allMs, unit: 'ms', baseline, ratio: allRatio, target: `≤ ${TARGET_ALL_RATIO} ×`, met: allMet });
      ctx.target({ id: 'T4', name: `fan-out 1 → ${ENDPOINTS.toLocaleString('en-US')}: publish returns`, value: publishMs, unit: 'ms', baseline, ratio: publishRatio, target: `≤ ${TARGET_PUBLISH_RATIO} ×`, met: publishMet });
      ctx.cpu(scenario, `library, 1 event → ${ENDPOINTS.toLocaleString('en-US')}`, rig.receiver.count, cpuSeconds);
      ctx.cpu(scenario, bullName, bull.deliveries, bull.cpu);
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
        bareBull: bull,
      });
    });
  },
};
