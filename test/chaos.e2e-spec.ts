import { afterEach, describe, expect, it } from '@jest/globals';
import { ChaosRig, pause, type ChaosFigures } from './support/chaos-rig';

// Faults injected under load into a deployment of the test's own (its own PostgreSQL and Redis,
// an API process, worker processes, a receiver keeping a ledger): nothing an API answered 200
// for is lost, and duplicates stay within what was in flight when the fault hit.

const MINUTE = 60_000;
const RATE = 40;
const CONCURRENCY = 16;

function report(name: string, figures: ChaosFigures): void {
  process.stdout.write(`chaos ${name}: ${JSON.stringify(figures)}\n`);
}

describe('chaos: faults under load (own PostgreSQL, and Redis)', () => {
  let rig: ChaosRig | undefined;

  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('Redis killed and restarted empty mid-load: every accepted event is delivered', async () => {
    rig = await ChaosRig.start();
    await rig.startApi();
    await rig.startWorker('worker-a', { concurrency: CONCURRENCY });
    const ended = await rig.load(RATE, 8_000, async () => {
      await pause(2_500);
      await rig!.redis.kill();
      await pause(3_000);
      await rig!.redis.restart();
    });
    const figures = await rig.settle(ended);
    report('redis restart empty', figures);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBeLessThanOrEqual(CONCURRENCY);
  }, 3 * MINUTE);

  it('Redis cut four times mid-load: every accepted event is delivered', async () => {
    rig = await ChaosRig.start();
    await rig.startApi();
    await rig.startWorker('worker-a', { concurrency: CONCURRENCY });
    const ended = await rig.load(RATE, 10_000, async () => {
      for (let cut = 0; cut < 4; cut++) {
        await pause(1_200);
        await rig!.redis.kill();
        await pause(800);
        await rig!.redis.restart();
      }
    });
    const figures = await rig.settle(ended);
    report('redis cut 4 times', figures);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBeLessThanOrEqual(4 * CONCURRENCY);
  }, 3 * MINUTE);

  it('PostgreSQL stopped and restarted mid-load: every accepted event is delivered', async () => {
    rig = await ChaosRig.start();
    await rig.startApi();
    await rig.startWorker('worker-a', { concurrency: CONCURRENCY });
    const ended = await rig.load(RATE, 9_000, async () => {
      await pause(2_500);
      rig!.postgres.stop();
      await pause(3_000);
      await rig!.postgres.restart();
    });
    const figures = await rig.settle(ended);
    report('postgres restart', figures);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBeLessThanOrEqual(CONCURRENCY);
  }, 3 * MINUTE);

  it('the API process killed (SIGKILL) mid-load and started again: nothing it answered 200 for is lost', async () => {
    rig = await ChaosRig.start();
    await rig.startApi();
    await rig.startWorker('worker-a', { concurrency: CONCURRENCY });
    const ended = await rig.load(RATE, 8_000, async () => {
      await pause(3_000);
      await rig!.api!.kill('SIGKILL');
      await rig!.startApi();
    });
    const figures = await rig.settle(ended);
    report('api sigkill', figures);
    expect(figures.lost).toBe(0);
    expect(figures.duplicates).toBe(0);
  }, 3 * MINUTE);

  it('a worker killed (SIGKILL) mid-attempt: another takes its deliveries over within 20 s, duplicates within its in-flight count', async () => {
    rig = await ChaosRig.start({ holdMs: 500 });
    await rig.startApi();
    // Bull hands the dead worker's jobs over, and their leases run out.
    const figures = await rig.killOneOfTwoWorkers(CONCURRENCY, RATE);
    report('worker sigkill', figures);
    expect(figures.lost).toBe(0);
    expect(figures.inFlightAtKill).toBeGreaterThan(0);
    expect(figures.takeoverMs).toBeLessThanOrEqual(20_000);
    expect(figures.duplicates).toBeLessThanOrEqual(CONCURRENCY);
  }, 3 * MINUTE);

  it('Redis-free on PostgreSQL, two embedded workers, one killed (SIGKILL) mid-load: nothing lost, never attempted by both at once', async () => {
    rig = await ChaosRig.start({ holdMs: 300, withoutRedis: true });
    await rig.startApi();
    // The dead worker's deliveries stay `delivering` under its lease; the other takes them once it has run out.
    const { servedByBoth, ...figures } = await rig.killOneOfTwoWorkers(CONCURRENCY, RATE);
    report('embedded postgres worker sigkill', { ...figures, overlaps: rig.ledger.overlaps } as ChaosFigures);
    expect(figures.lost).toBe(0);
    expect(servedByBoth).toBe(true);
    expect(figures.inFlightAtKill).toBeGreaterThan(0);
    expect(rig.ledger.overlaps).toBe(0);
    expect(figures.takeoverMs).toBeLessThanOrEqual(20_000);
    expect(figures.duplicates).toBeLessThanOrEqual(CONCURRENCY);
  }, 3 * MINUTE);

  it('a worker stopped (SIGTERM) mid-load: it finishes what it is sending, hands back what it has not sent, nothing is attempted twice', async () => {
    rig = await ChaosRig.start({ holdMs: 300 });
    await rig.startApi();
    const stopping = await rig.startWorker('worker-a', { concurrency: CONCURRENCY });
    await rig.startWorker('worker-b', { concurrency: CONCURRENCY });
    let inFlightAtStop = 0;
    const ended = await rig.load(RATE, 8_000, async () => {
      await pause(3_000);
      inFlightAtStop = (await rig!.whileSending('worker-a')).length;
      await stopping.kill('SIGTERM');
    });
    const figures = await rig.settle(ended);
    report('worker sigterm', { ...figures, inFlightAtStop } as ChaosFigures);
    expect(figures.lost).toBe(0);
    expect(inFlightAtStop).toBeGreaterThan(0);
    expect(figures.duplicates).toBe(0);
  }, 3 * MINUTE);
});
