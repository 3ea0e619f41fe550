import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import Bull, { type Queue } from 'bull';
import { DataSource } from 'typeorm';
import { DeliveryReconciler, EndpointsService, WebhooksService } from 'nestjs-webhooks';
import { startFixtureApp } from './support/fixture-app';
import { postgresWithBull, type TestBackend } from './support/backends';
import { TEST_REDIS_URL, uniqueName } from './support/services';

/** More than the pages a quiet pass looks at (10 × 1,000), so a pass over all of them stops early. */
const DUE = 12_000;

describe('reconciler over a long backlog (PostgreSQL + Bull)', () => {
  let backend: TestBackend;
  let app: INestApplication;
  let reconciler: DeliveryReconciler;
  let queue: Queue;
  /** Delivery ids, oldest due first. */
  let ids: string[];

  beforeAll(async () => {
    backend = await postgresWithBull.create();
    // No worker: the jobs stay in the queue, as behind a busy worker.
    const queuePrefix = uniqueName('whtest');
    app = await startFixtureApp({ database: backend.database, webhooks: { worker: false, queuePrefix } });
    reconciler = app.get(DeliveryReconciler);
    // The library's queue, seen from outside: its name is documented, the prefix is the option's.
    queue = new Bull('webhooks:deliveries', TEST_REDIS_URL, { prefix: queuePrefix });
    const dataSource = app.get(DataSource);
    const endpoint = await app.get(EndpointsService).create({ url: 'http://127.0.0.1:9/hook', eventTypes: ['invoice.paid'] });
    // An event no endpoint subscribes to: stored, with no delivery of its own.
    const { eventId } = await app.get(WebhooksService).publish('payment.verified', {});
    // The backlog, written straight into the table: due a minute ago and on, 1 ms apart.
    const rows: Array<{ id: string }> = await dataSource.query(
      `INSERT INTO webhook_deliveries (id, "eventId", "endpointId", "eventType", status, "attemptCount", "nextAttemptAt", "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $2::uuid, $3::uuid, 'invoice.paid', 'pending', 0,
              now() - interval '1 minute' + i * interval '1 millisecond', now(), now()
       FROM generate_series(1, $1) AS i
       RETURNING id`,
      [DUE, eventId, endpoint.id],
    );
    const order: Array<{ id: string }> = await dataSource.query(`SELECT id FROM webhook_deliveries ORDER BY "nextAttemptAt", id`);
    expect(rows).toHaveLength(DUE);
    ids = order.map((row) => row.id);
  });

  afterAll(async () => {
    await queue?.close();
    await app?.close();
    await backend?.drop();
  });

  const removeJob = async (id: string) => (await queue.getJob(id))!.remove();

  it('queues every lost delivery in one pass, however many', async () => {
    await expect(reconciler.reconcileOnce()).resolves.toBe(DUE);
    const counts = await queue.getJobCounts();
    expect(counts.waiting).toBe(DUE);
  });

  it('over a backlog the queue holds, a pass stops early and the next resumes where it stopped', async () => {
    // Lost: one job the first pass reaches, one only the resumed pass reaches.
    await removeJob(ids[100]);
    await removeJob(ids[DUE - 100]);

    // Page 1 holds a loss, then 10 quiet pages: 11,000 looked at, so the late loss waits.
    await expect(reconciler.reconcileOnce()).resolves.toBe(1);
    expect(await queue.getJob(ids[100])).not.toBeNull();
    expect(await queue.getJob(ids[DUE - 100])).toBeNull();

    await expect(reconciler.reconcileOnce()).resolves.toBe(1);
    expect(await queue.getJob(ids[DUE - 100])).not.toBeNull();
    expect((await queue.getJobCounts()).waiting).toBe(DUE);
  });

  it('takes a bare job hash (what a worker mid-attempt leaves in a Redis restarted empty) for a lost job', async () => {
    const id = ids[200];
    await removeJob(id);
    // What Bull's bookkeeping writes into the new Redis: a hash of its own, in no list, without data.
    await queue.client.hset(queue.toKey(id), 'processedOn', String(Date.now()), 'attemptsMade', '1', 'failedReason', 'Missing process handler for job type __default__');
    expect((await reconciler.reconcileOnce()) + (await reconciler.reconcileOnce())).toBe(1);
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ deliveryId: id });
    expect(await job?.getState()).toBe('waiting');
  });

  it('takes a job that was taken once and now sits in no list for a lost job', async () => {
    const id = ids[300];
    const job = (await queue.getJob(id))!;
    // Taken once (processedOn), then gone from every list while its hash stayed.
    await queue.client.hset(queue.toKey(id), 'processedOn', String(Date.now()));
    await queue.client.lrem(queue.toKey('wait'), 0, id);
    expect(await job.getState()).not.toBe('waiting');
    // Taken once and waiting again (a stalled job Bull moved back): queued, left alone.
    await queue.client.hset(queue.toKey(ids[301]), 'processedOn', String(Date.now()));
    // Two passes: one may resume past these ids (see above), the next starts from the oldest.
    const moved = (await reconciler.reconcileOnce()) + (await reconciler.reconcileOnce());
    expect(moved).toBe(1);
    expect(await (await queue.getJob(id))!.getState()).toBe('waiting');
  });
});
