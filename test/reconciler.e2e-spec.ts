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

  /** The deliveries of the waiting batch jobs, by the job holding them. */
  const batchJobOf = async (): Promise<Map<string, string>> => {
    const holder = new Map<string, string>();
    for (const job of await queue.getWaiting(0, -1)) for (const id of (job.data as { deliveryIds?: string[] }).deliveryIds ?? []) holder.set(id, String(job.id));
    return holder;
  };
  const markOf = (id: string) => queue.client.hget(queue.toKey('batch-marks'), id);
  const unmark = (id: string) => queue.client.hdel(queue.toKey('batch-marks'), id);

  it('queues every lost delivery in one pass, however many: in batch jobs of 100, each delivery marked with its job', async () => {
    await expect(reconciler.reconcileOnce()).resolves.toBe(DUE);
    expect((await queue.getJobCounts()).waiting).toBe(DUE / 100);
    const holder = await batchJobOf();
    expect(new Set(holder.keys())).toEqual(new Set(ids));
    expect(await markOf(ids[0])).toBe(holder.get(ids[0]));
    expect(await markOf(ids[DUE - 1])).toBe(holder.get(ids[DUE - 1]));
  });

  it('a pass finds the deliveries of batch jobs queued (their marks), and queues them again once the job is gone', async () => {
    await expect(reconciler.reconcileOnce()).resolves.toBe(0);
    await expect(reconciler.reconcileOnce()).resolves.toBe(0);
    const holder = await batchJobOf();
    // Lost: the job of a delivery the first pass reaches, and one only the resumed pass reaches.
    // Their marks stay behind and count for nothing (and their deliveries are marked anew).
    await (await queue.getJob(holder.get(ids[100])!))!.remove();
    await (await queue.getJob(holder.get(ids[DUE - 100])!))!.remove();

    // Page 1 holds the losses, then 10 quiet pages: 11,000 looked at, so the late ones wait.
    await expect(reconciler.reconcileOnce()).resolves.toBe(100);
    const after = await batchJobOf();
    expect(after.has(ids[100])).toBe(true);
    expect(after.has(ids[DUE - 100])).toBe(false);

    await expect(reconciler.reconcileOnce()).resolves.toBe(100);
    expect((await batchJobOf()).size).toBe(DUE);
    expect((await queue.getJobCounts()).waiting).toBe(DUE / 100);
  });

  it('takes a bare job hash (what a worker mid-attempt leaves in a Redis restarted empty) for a lost job', async () => {
    const id = ids[200];
    // Lost alone (its mark gone with Redis's data): it gets a job of its own.
    await unmark(id);
    // What Bull's bookkeeping writes into the new Redis: a hash of its own, in no list, without data.
    await queue.client.hset(queue.toKey(id), 'processedOn', String(Date.now()), 'attemptsMade', '1', 'failedReason', 'Missing process handler for job type __default__');
    expect((await reconciler.reconcileOnce()) + (await reconciler.reconcileOnce())).toBe(1);
    const job = await queue.getJob(id);
    expect(job?.data).toEqual({ deliveryId: id });
    expect(await job?.getState()).toBe('waiting');
  });

  it('takes a job that was taken once and now sits in no list for a lost job', async () => {
    const id = ids[200];
    const job = (await queue.getJob(id))!;
    // Taken once (processedOn), then gone from every list while its hash stayed.
    await queue.client.hset(queue.toKey(id), 'processedOn', String(Date.now()));
    await queue.client.lrem(queue.toKey('wait'), 0, id);
    expect(await job.getState()).not.toBe('waiting');
    // Taken once and waiting again (a stalled job Bull moved back): queued, left alone.
    const waitingAgain = ids[301];
    await unmark(waitingAgain);
    await queue.add('deliver', { deliveryId: waitingAgain }, { jobId: waitingAgain });
    await queue.client.hset(queue.toKey(waitingAgain), 'processedOn', String(Date.now()));
    // Two passes: one may resume past these ids (see above), the next starts from the oldest.
    const moved = (await reconciler.reconcileOnce()) + (await reconciler.reconcileOnce());
    expect(moved).toBe(1);
    expect(await (await queue.getJob(id))!.getState()).toBe('waiting');
  });

  it('finds the deliveries of a publish queued in its batch job, however long it waits (a worker far behind)', async () => {
    const endpoints = app.get(EndpointsService);
    for (const n of [1, 2, 3]) await endpoints.create({ url: `http://127.0.0.1:9/fan-out-${n}`, eventTypes: ['payment.verified'] });
    const { eventId } = await app.get(WebhooksService).publish('payment.verified', { id: 1 });
    const published: Array<{ id: string }> = await app.get(DataSource).query(`SELECT id FROM webhook_deliveries WHERE "eventId" = $1`, [eventId]);
    expect(published).toHaveLength(3);
    const holder = await batchJobOf();
    for (const { id } of published) expect(await markOf(id)).toBe(holder.get(id));

    // Passes long past the grace period, each looking at up to 11 pages: the three are reached.
    const later = new Date(Date.now() + 60_000);
    const moved = (await reconciler.reconcileOnce(later)) + (await reconciler.reconcileOnce(later)) + (await reconciler.reconcileOnce(later));
    expect(moved).toBe(0);
    for (const { id } of published) expect(await queue.getJob(id)).toBeNull();
  });
});
