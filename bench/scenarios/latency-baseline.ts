import { randomUUID } from 'node:crypto';
import Bull from 'bull';
import { withTeardown, type BenchContext } from '../support/context';
import { CpuUsage, groupsWithChild, type CpuShares } from '../support/cpu-usage';
import { DeliveryProcess } from '../support/delivery-process';
import { measurePhase, type PhaseLatencies } from '../support/latency-phase';
import { BenchReceiver } from '../support/receiver';
import { createQueuePrefix, REDIS_URL } from '../support/services';
import { CONCURRENCY, envelopeBody } from '../support/workload';

const WARMUP_MS = 2_000;
const MEASURED_MS = 10_000;
const DRAIN_LIMIT_MS = 30_000;

export interface BaselineLatency {
  perSecond: number;
  measured: PhaseLatencies;
  cpu: CpuShares;
}

/**
 * The latency baseline: a bare Bull queue whose jobs POST (as baseline (b)), one job added per
 * call at a steady rate; latency from the `add` call to receipt. A short warm-up at the same
 * rate first, then the measured phase.
 */
export function bareBullLatency(ctx: BenchContext, perSecond: number): Promise<BaselineLatency> {
  return ctx.reference(`bare-bull-latency-${perSecond}`, () =>
    withTeardown(async (teardown) => {
      ctx.log(`latency baseline: bare Bull + POST at ${perSecond} jobs/s for ${MEASURED_MS / 1000} s`);
      const receiver = new BenchReceiver();
      teardown.add(() => receiver.close());
      const url = `${await receiver.listen()}/hook`;
      const { prefix, drop } = createQueuePrefix();
      teardown.add(drop);
      const name = 'bare-latency';
      const worker = await DeliveryProcess.start({ mode: 'bare-bull', prefix, queue: name, url, body: envelopeBody(), concurrency: CONCURRENCY });
      teardown.add(() => worker.stop());
      const queue = new Bull<{ id: string }>(name, REDIS_URL, { prefix });
      teardown.add(() => queue.close());
      await queue.isReady();
      const add = async () => {
        const id = randomUUID();
        await queue.add({ id }, { removeOnComplete: true, removeOnFail: true });
        return id;
      };
      await measurePhase(receiver, { perSecond, durationMs: WARMUP_MS, drainLimitMs: DRAIN_LIMIT_MS }, add);
      const cpu = new CpuUsage(groupsWithChild(worker.pid)).start();
      const measured = await measurePhase(receiver, { perSecond, durationMs: MEASURED_MS, drainLimitMs: DRAIN_LIMIT_MS }, add);
      return { perSecond, measured, cpu: cpu.stop() };
    }),
  );
}
