import { performance } from 'node:perf_hooks';
import Bull from 'bull';
import { withTeardown, type BenchContext } from '../support/context';
import { DeliveryProcess } from '../support/delivery-process';
import { CpuUsage, groupsWithChild, type CpuShares } from '../support/cpu-usage';
import { BenchReceiver } from '../support/receiver';
import { createQueuePrefix, REDIS_URL } from '../support/services';
import { CONCURRENCY, envelopeBody } from '../support/workload';

/** How many POSTs each baseline makes: as many as the library's throughput scenario. */
export const BASELINE_REQUESTS = 20_000;
const ADD_CHUNK = 1_000;
const WAIT_LIMIT_MS = 120_000;

export interface Rate {
  deliveries: number;
  ms: number;
  perSecond: number;
  /** False when the wait limit passed first; the rate is then over what arrived. */
  complete: boolean;
  /** CPU seconds per process group during the measurement. */
  cpu?: CpuShares;
}

export function rateOf(deliveries: number, startedAt: number, endedAt: number | null, waitedUntil: number): Rate {
  const ms = (endedAt ?? waitedUntil) - startedAt;
  return { deliveries, ms, perSecond: (deliveries * 1000) / ms, complete: endedAt !== null };
}

/** Baseline (a): raw undici POSTs of the envelope to the receiver, 32 in flight, from another process. */
export function rawUndiciRate(ctx: BenchContext): Promise<Rate> {
  return ctx.reference('raw-undici', () =>
    withTeardown(async (teardown) => {
      ctx.log(`baseline (a): ${BASELINE_REQUESTS} raw undici POSTs`);
      const receiver = new BenchReceiver();
      teardown.add(() => receiver.close());
      const url = `${await receiver.listen()}/hook`;
      const sender = await DeliveryProcess.start({ mode: 'raw-undici', url, body: envelopeBody(), count: BASELINE_REQUESTS, concurrency: CONCURRENCY });
      teardown.add(() => sender.stop());
      const cpu = new CpuUsage(groupsWithChild(sender.pid)).start();
      const startedAt = performance.now();
      sender.send({ cmd: 'go' });
      const endedAt = await receiver.waitFor(BASELINE_REQUESTS, WAIT_LIMIT_MS);
      return { ...rateOf(receiver.count, startedAt, endedAt, performance.now()), cpu: cpu.stop() };
    }),
  );
}

/**
 * Baseline (b): a bare Bull queue, no database. This process bulk-adds the jobs (1,000 per
 * `addBulk`) while another process runs them, 32 at a time, each POSTing the envelope.
 */
export function bareBullRate(ctx: BenchContext, jobs = BASELINE_REQUESTS): Promise<Rate> {
  return ctx.reference(`bare-bull-${jobs}`, () =>
    withTeardown(async (teardown) => {
      ctx.log(`baseline (b): ${jobs} bare Bull jobs that POST`);
      const receiver = new BenchReceiver();
      teardown.add(() => receiver.close());
      const url = `${await receiver.listen()}/hook`;
      const { prefix, drop } = createQueuePrefix();
      teardown.add(drop);
      const name = 'bare-deliveries';
      const worker = await DeliveryProcess.start(
        { mode: 'bare-bull', prefix, queue: name, url, body: envelopeBody(), concurrency: CONCURRENCY },
        { profileDir: ctx.profileDir, label: 'bare-bull' },
      );
      teardown.add(() => worker.stop());
      const queue = new Bull(name, REDIS_URL, { prefix });
      teardown.add(() => queue.close());
      await queue.isReady();

      const cpu = new CpuUsage(groupsWithChild(worker.pid)).start();
      const startedAt = performance.now();
      for (let i = 0; i < jobs; i += ADD_CHUNK) {
        const size = Math.min(ADD_CHUNK, jobs - i);
        await queue.addBulk(Array.from({ length: size }, (_, j) => ({ data: { n: i + j }, opts: { removeOnComplete: true, removeOnFail: true } })));
      }
      const endedAt = await receiver.waitFor(jobs, WAIT_LIMIT_MS);
      return { ...rateOf(receiver.count, startedAt, endedAt, performance.now()), cpu: cpu.stop() };
    }),
  );
}
