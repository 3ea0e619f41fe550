import type { INestApplicationContext } from '@nestjs/common';
import { WebhooksService, type WebhooksModuleOptions } from 'nestjs-webhooks';
import type { BenchContext, Teardown } from './context';
import { DeliveryProcess } from './delivery-process';
import { createEndpoints, endpointUrls, insertEndpoints } from './endpoints';
import { BenchReceiver } from './receiver';
import { createPostgresDatabase, createQueuePrefix } from './services';
import { startWebhooksApp, type BenchDatabase } from './webhooks-app';
import { benchWebhookOptions } from './workload';

export interface LibraryRigOptions {
  /** Name of the worker's CPU profile, when profiling. */
  label: string;
  /** Endpoints on the answering origin. */
  endpoints: number;
  /** Endpoints on an origin that never answers. */
  silentEndpoints?: number;
  webhooks?: WebhooksModuleOptions;
  /** Worker processes (1 unless set). */
  workers?: number;
  /** Runs after the endpoints exist and before the worker starts. */
  beforeWorker?: (app: INestApplicationContext) => Promise<void>;
}

/**
 * The library on PostgreSQL + Bull as a host would run it: this process publishes (worker
 * role off) and hosts the receiver; a separate process is the worker. Fresh database and
 * queue prefix, removed by the teardown.
 */
export interface LibraryRig {
  app: INestApplicationContext;
  webhooks: WebhooksService;
  receiver: BenchReceiver;
  /** The first worker process. */
  worker: DeliveryProcess;
  workers: DeliveryProcess[];
  database: BenchDatabase;
}

export async function startLibraryRig(ctx: BenchContext, teardown: Teardown, options: LibraryRigOptions): Promise<LibraryRig> {
  const scratch = await createPostgresDatabase();
  teardown.add(() => scratch.drop());
  const queue = createQueuePrefix();
  teardown.add(() => queue.drop());
  const receiver = new BenchReceiver();
  teardown.add(() => receiver.close());
  const origin = await receiver.listen('answer');
  const urls = endpointUrls(origin, options.endpoints);
  if (options.silentEndpoints) urls.push(...endpointUrls(await receiver.listen('silent'), options.silentEndpoints, 'silent'));

  const database: BenchDatabase = { type: 'postgres', url: scratch.url };
  const webhooks = benchWebhookOptions({ queuePrefix: queue.prefix, ...options.webhooks });
  const app = await startWebhooksApp({ database, webhooks: { ...webhooks, worker: false } });
  teardown.add(() => app.close());
  await (urls.length > 100 ? insertEndpoints(app, urls) : createEndpoints(app, urls));
  await options.beforeWorker?.(app);

  const workers: DeliveryProcess[] = [];
  for (let i = 0; i < (options.workers ?? 1); i++) {
    const label = i === 0 ? options.label : `${options.label}-${i + 1}`;
    const worker = await DeliveryProcess.start({ mode: 'library-worker', database, webhooks }, { profileDir: ctx.profileDir, label });
    teardown.add(() => worker.stop());
    workers.push(worker);
  }
  return { app, webhooks: app.get(WebhooksService), receiver, worker: workers[0], workers, database };
}
