// The Bull dispatcher against a real Redis, with a stand-in for the delivery pipeline that the
// test releases by hand: how many deliveries of batch jobs are attempted at once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { TEST_REDIS_URL, uniqueName } from '../../../test/support/services';
import { waitFor } from '../../../test/support/wait-for';
import { BullDeliveryDispatcher, type DeliverJobData } from '../src/dispatch/bull/bull-delivery.dispatcher';
import { createDeliveryQueue } from '../src/dispatch/bull/bull-queue';
import type { DeliveryWorker } from '../src/delivery/delivery.worker';
import { DONE, type DeliveryStep } from '../src/delivery/delivery-step';
import { resolveWebhooksOptions } from '../src/options/resolved-options';

describe('Bull dispatcher: deliveries of batch jobs attempted at once', () => {
  const started: string[] = [];
  const finish: Array<(step: DeliveryStep) => void> = [];
  const activeJobs: string[] = [];
  let queue: Queue<DeliverJobData>;
  let dispatcher: BullDeliveryDispatcher;

  beforeAll(async () => {
    // concurrency 2: batch jobs run while their deliveries fit in 32 (one larger job runs alone).
    const options = resolveWebhooksOptions({ redis: TEST_REDIS_URL, queuePrefix: uniqueName('whbatchbound'), concurrency: 2 });
    queue = await createDeliveryQueue<DeliverJobData>(options, new Logger('test'));
    queue.on('active', (job: Job) => activeJobs.push(String(job.id)));
    const worker = {
      attempt: (deliveryId: string) => {
        started.push(deliveryId);
        return new Promise<DeliveryStep>((resolve) => finish.push(resolve));
      },
      stop: async () => undefined,
    } as unknown as DeliveryWorker;
    dispatcher = new BullDeliveryDispatcher(queue, options, worker);
    dispatcher.onApplicationBootstrap();
  });

  afterAll(async () => {
    for (const resolve of finish.splice(0)) resolve(DONE);
    await dispatcher?.onModuleDestroy();
  });

  it('a batch job Bull hands over waits, its deliveries unclaimed, until the deliveries being attempted leave room', async () => {
    const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, runAt: new Date() }));
    await dispatcher.enqueue(ids('first', 20));
    await waitFor(() => started.length === 20, { what: 'the first batch job’s attempts' });
    await dispatcher.enqueue(ids('second', 20));
    // Bull runs jobs of every name on its workers' shared concurrency: it hands the second job
    // over at once. Its handler has run once the local `active` event is out; any attempt it
    // began would be in `started` after this turn of the event loop.
    await waitFor(() => activeJobs.length === 2, { what: 'Bull to hand the second batch job over' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toHaveLength(20);

    // 19 of the first job's deliveries are done, one is still out (a slow endpoint): the job
    // runs on, but its done deliveries give their places back, and the second job fits.
    for (const resolve of finish.splice(0, 19)) resolve(DONE);
    await waitFor(() => started.length === 40, { what: 'the second batch job’s attempts' });
    expect(started.slice(20).every((id) => id.startsWith('second-'))).toBe(true);
    expect(finish).toHaveLength(21);
  });
});
