// The Bull dispatcher against a real Redis, with a stand-in for the delivery pipeline that the
// test releases by hand: what `requeue` does while a delivery's job is still being run, and with
// deliveries that lost their jobs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Queue } from 'bull';
import { TEST_REDIS_URL, uniqueName } from '../../../test/support/services';
import { waitFor } from '../../../test/support/wait-for';
import { BullDeliveryDispatcher, type DeliverJobData } from '../src/dispatch/bull/bull-delivery.dispatcher';
import { createDeliveryQueue } from '../src/dispatch/bull/bull-queue';
import type { DeliveryWorker } from '../src/delivery/delivery.worker';
import { DONE, type DeliveryStep } from '../src/delivery/delivery-step';
import { resolveWebhooksOptions } from '../src/options/resolved-options';

describe('Bull dispatcher: requeue', () => {
  const attempts: string[] = [];
  /** Deliveries whose next attempt ends when the test says so (`finish`); their job stays active until then. */
  const held = new Set<string>();
  const finishers = new Map<string, (step: DeliveryStep) => void>();
  const finish = (id: string) => finishers.get(id)!(DONE);
  const attemptsOf = (id: string) => attempts.filter((attempted) => attempted === id).length;
  let queue: Queue<DeliverJobData>;
  let dispatcher: BullDeliveryDispatcher;

  beforeAll(async () => {
    const options = resolveWebhooksOptions({ redis: TEST_REDIS_URL, queuePrefix: uniqueName('whrequeue'), concurrency: 2 });
    queue = await createDeliveryQueue<DeliverJobData>(options, new Logger('test'));
    const worker = {
      attempt: (deliveryId: string) => {
        attempts.push(deliveryId);
        if (!held.delete(deliveryId)) return Promise.resolve(DONE);
        return new Promise<DeliveryStep>((resolve) => finishers.set(deliveryId, resolve));
      },
      stop: async () => undefined,
    } as unknown as DeliveryWorker;
    dispatcher = new BullDeliveryDispatcher(queue, options, worker);
    dispatcher.onApplicationBootstrap();
  });

  afterAll(async () => {
    await dispatcher?.onModuleDestroy();
  });

  it('a delivery made due again while its job finishes gets a follow-up job, and is attempted again', async () => {
    const id = 'delivery-1';
    held.add(id);
    await dispatcher.enqueue([{ id, runAt: new Date() }]);
    await waitFor(() => attempts.length === 1, { what: 'the first attempt to start' });

    // As a manual retry right after the attempt was recorded: the job is still active.
    expect(await dispatcher.requeue([{ id, runAt: new Date() }])).toBe(1);
    finish(id);
    await waitFor(() => attempts.length === 2, { what: 'the follow-up job to attempt the delivery' });
    expect(attempts).toEqual([id, id]);
  });

  it('deliveries that lost their jobs, due now, go in one batch job: found queued while it waits, its marks gone once it is done', async () => {
    const lost = ['delivery-2', 'delivery-3', 'delivery-4'];
    const marks = queue.toKey('batch-marks');
    await queue.pause(true); // this process takes no job meanwhile
    expect(await dispatcher.requeue(lost.map((id) => ({ id, runAt: new Date() })))).toBe(3);
    const [batch] = await queue.getWaiting();
    expect(batch.data).toEqual({ deliveryIds: lost, marked: true });
    expect(await queue.client.hmget(marks, ...lost)).toEqual(lost.map(() => String(batch.id)));
    expect(await dispatcher.requeue(lost.map((id) => ({ id, runAt: new Date() })))).toBe(0);
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 1 });

    await queue.resume(true);
    await waitFor(() => lost.every((id) => attempts.includes(id)), { what: 'the batch job to attempt them' });
    await waitFor(async () => (await queue.client.hlen(marks)) === 0, { what: 'the marks to end with the job' });
    for (const id of lost) expect(await queue.getJob(id)).toBeNull();
  });

  it('one delivery that lost its job, and any due later, get jobs of their own; a mark whose job is gone goes', async () => {
    await queue.pause(true);
    const later = new Date(Date.now() + 60_000);
    await queue.client.hset(queue.toKey('batch-marks'), 'delivery-6', 'batch-long-gone');
    expect(await dispatcher.requeue([{ id: 'delivery-5', runAt: new Date() }])).toBe(1);
    expect(await dispatcher.requeue([{ id: 'delivery-6', runAt: later }, { id: 'delivery-7', runAt: later }])).toBe(2);
    expect((await queue.getJob('delivery-5'))?.data).toEqual({ deliveryId: 'delivery-5' });
    expect(await (await queue.getJob('delivery-6'))?.getState()).toBe('delayed');
    expect(await (await queue.getJob('delivery-7'))?.getState()).toBe('delayed');
    expect(await queue.client.hget(queue.toKey('batch-marks'), 'delivery-6')).toBeNull();
    await queue.resume(true);
  });

  it('a delivery done in a batch job still being run: a requeue (a manual retry) gives it a follow-up job, a reconciler pass leaves it', async () => {
    const [slow, done] = ['delivery-8', 'delivery-9'];
    held.add(slow); // keeps the batch job active
    await dispatcher.enqueue([slow, done].map((id) => ({ id, runAt: new Date() })));
    await waitFor(() => attemptsOf(slow) === 1 && attemptsOf(done) === 1, { what: 'both attempts to start' });

    expect(await dispatcher.requeue([{ id: done, runAt: new Date() }], { reconciling: true })).toBe(0);
    expect(await dispatcher.requeue([{ id: done, runAt: new Date() }])).toBe(1);
    await waitFor(() => attemptsOf(done) === 2, { what: 'the follow-up job to attempt it again' });
    finish(slow);
    await waitFor(async () => (await queue.getJobCounts()).active === 0, { what: 'the batch job to end' });
    expect(attemptsOf(slow)).toBe(1);
  });
});
