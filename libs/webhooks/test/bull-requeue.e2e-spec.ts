// The Bull dispatcher against a real Redis, with a stand-in for the delivery pipeline that the
// test releases by hand: what `requeue` does while a delivery's own job is still being run.
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

describe('Bull dispatcher: requeue while the delivery’s job is being run', () => {
  const attempts: string[] = [];
  let finishFirst: (step: DeliveryStep) => void = () => undefined;
  let queue: Queue<DeliverJobData>;
  let dispatcher: BullDeliveryDispatcher;

  beforeAll(async () => {
    const options = resolveWebhooksOptions({ redis: TEST_REDIS_URL, queuePrefix: uniqueName('whrequeue'), concurrency: 2 });
    queue = await createDeliveryQueue<DeliverJobData>(options, new Logger('test'));
    // The first attempt ends when the test says so; the job stays active until then.
    const worker = {
      attempt: (deliveryId: string) => {
        attempts.push(deliveryId);
        return attempts.length === 1 ? new Promise<DeliveryStep>((resolve) => (finishFirst = resolve)) : Promise.resolve(DONE);
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
    await dispatcher.enqueue([{ id, runAt: new Date() }]);
    await waitFor(() => attempts.length === 1, { what: 'the first attempt to start' });

    // As a manual retry right after the attempt was recorded: the job is still active.
    expect(await dispatcher.requeue([{ id, runAt: new Date() }])).toBe(1);
    finishFirst(DONE);
    await waitFor(() => attempts.length === 2, { what: 'the follow-up job to attempt the delivery' });
    expect(attempts).toEqual([id, id]);
  });
});
