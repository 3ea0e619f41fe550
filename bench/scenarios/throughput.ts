import { performance } from 'node:perf_hooks';
import { withTeardown, type BenchContext } from '../support/context';
import { CpuUsage, groupsWithChild, notes, otherLoadNote } from '../support/cpu-usage';
import { startLibraryRig, type LibraryRigOptions } from '../support/library-rig';
import { publishAll } from '../support/publishing';
import { MB } from '../support/report';
import { PUBLISH_CONCURRENCY } from '../support/workload';
import { bareBullRate, rateOf, rawUndiciRate, type Rate } from './baselines';
import type { Scenario } from './scenario';

export const EVENTS = 2_000;
export const ENDPOINTS = 10;
const WAIT_LIMIT_MS = 180_000;

export interface LibraryRate extends Rate {
  publishMs: number;
  peakRssMb: number;
  duplicates: number;
  unanswered: number;
  /** Longest time without any receipt on the answering endpoints, once the first arrived. */
  longestPauseMs: number;
  peakHeapUsedMb: number;
}

/**
 * Publishes EVENTS events to `endpoints` answering (+ `silentEndpoints` silent) endpoints and
 * times publish start → last receipt on the answering ones.
 */
export function libraryDeliveryRate(
  ctx: BenchContext,
  options: LibraryRigOptions,
): Promise<LibraryRate> {
  return withTeardown(async (teardown) => {
    const rig = await startLibraryRig(ctx, teardown, options);
    const expected = EVENTS * options.endpoints;
    const cpu = new CpuUsage(groupsWithChild(...rig.workers.map((worker) => worker.pid))).start();
    const startedAt = performance.now();
    const published = publishAll(rig.webhooks, EVENTS, PUBLISH_CONCURRENCY).then(() => performance.now() - startedAt);
    const endedAt = await rig.receiver.waitFor(expected, WAIT_LIMIT_MS);
    const rate = rateOf(rig.receiver.count, startedAt, endedAt, performance.now());
    return {
      ...rate,
      cpu: cpu.stop(),
      publishMs: await published,
      peakRssMb: rig.worker.peakRss / MB,
      peakHeapUsedMb: rig.worker.peakHeapUsed / MB,
      duplicates: rig.receiver.duplicates,
      unanswered: rig.receiver.unanswered,
      longestPauseMs: longestPause([...rig.receiver.receipts.values()]),
    };
  });
}

function longestPause(times: number[]): number {
  times.sort((a, b) => a - b);
  let longest = 0;
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1]);
  return longest;
}

export function libraryThroughput(ctx: BenchContext): Promise<LibraryRate> {
  return ctx.reference('library-throughput', () => {
    ctx.log(`throughput: ${EVENTS} events × ${ENDPOINTS} endpoints through the library`);
    return libraryDeliveryRate(ctx, { label: 'throughput-worker', endpoints: ENDPOINTS });
  });
}

export const throughputScenario: Scenario = {
  id: 'throughput',
  title: '1. Throughput',
  async run(ctx) {
    const raw = await rawUndiciRate(ctx);
    const bull = await bareBullRate(ctx);
    const library = await libraryThroughput(ctx);
    const scenario = this.title;
    ctx.figure({ scenario, name: '(a) raw undici POST', value: raw.perSecond, unit: 'req/s', note: completeness(raw) });
    ctx.figure({ scenario, name: '(b) bare Bull job + POST', value: bull.perSecond, unit: 'jobs/s', ratio: { value: bull.perSecond / raw.perSecond, against: '(a)' }, note: completeness(bull) });
    const ratio = library.perSecond / bull.perSecond;
    ctx.figure({
      scenario,
      name: `library ${EVENTS} × ${ENDPOINTS} (PostgreSQL + Bull)`,
      value: library.perSecond,
      unit: 'deliveries/s',
      ratio: { value: ratio, against: '(b)' },
      target: { text: '≥ 0.5 × (b)', met: ratio >= 0.5 && library.complete },
      note: completeness(library),
    });
    ctx.target({
      id: 'T1',
      name: `throughput, PostgreSQL + Bull, ${EVENTS} × ${ENDPOINTS}`,
      value: library.perSecond,
      unit: 'deliveries/s',
      baseline: { name: '(b) bare Bull + POST', value: bull.perSecond, unit: 'jobs/s' },
      ratio,
      target: '≥ 0.5 ×',
      met: ratio >= 0.5 && library.complete && library.duplicates === 0,
    });
    ctx.cpu(scenario, '(a) raw undici POST', raw.deliveries, raw.cpu);
    ctx.cpu(scenario, '(b) bare Bull job + POST', bull.deliveries, bull.cpu);
    ctx.cpu(scenario, 'library (PostgreSQL + Bull)', library.deliveries, library.cpu);
    ctx.detail('throughput', { rawUndici: raw, bareBull: bull, library, libraryToRaw: library.perSecond / raw.perSecond });
  },
};

/** Notes on a rate: incomplete, or measured while the machine was busy with other work. */
export function completeness(rate: Rate): string | undefined {
  return notes(!rate.complete && `only ${rate.deliveries} arrived before the wait limit`, otherLoadNote(rate.cpu));
}
