/**
 * The process that sends, apart from the receiver's, so that the two share no event loop and
 * its memory can be read on its own. Configured by the JSON in BENCH_PROCESS_CONFIG, driven
 * over the IPC channel (see ../support/delivery-process.ts):
 * - `library-worker`: the webhooks module with the worker role, delivering from Bull.
 * - `embedded`: the webhooks module without Redis; registers endpoints, publishes on request
 *   and delivers in this same process.
 * - `bare-bull`: a Bull queue whose jobs POST the body (baseline, no database).
 * - `raw-undici`: POSTs the body `count` times with `concurrency` in flight (baseline).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import Bull from 'bull';
import { Agent } from 'undici';
import { WebhooksService, type WebhooksModuleOptions } from 'nestjs-webhooks';
import { createEndpoints } from '../support/endpoints';
import { publishAll } from '../support/publishing';
import { REDIS_URL } from '../support/services';
import { startWebhooksApp, type BenchDatabase } from '../support/webhooks-app';
import type { ChildMessage, ParentCommand } from '../support/delivery-process';

export type DeliveryProcessConfig =
  | { mode: 'library-worker'; database: BenchDatabase; webhooks: WebhooksModuleOptions }
  | { mode: 'embedded'; database: BenchDatabase; webhooks: WebhooksModuleOptions; endpointUrls: string[] }
  | { mode: 'bare-bull'; prefix: string; queue: string; url: string; body: string; concurrency: number }
  | { mode: 'raw-undici'; url: string; body: string; count: number; concurrency: number };

const MEMORY_SAMPLE_MS = 250;

function send(message: ChildMessage): void {
  process.send?.(message);
}

/** The HTTP client of both baselines: an undici pool like the library's (32 keep-alive connections). */
function createAgent(concurrency: number): Agent {
  return new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });
}

async function post(agent: Agent, url: URL, body: string, id: string): Promise<void> {
  const response = await agent.request({
    origin: url.origin,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'x-webhook-delivery': id },
    body,
  });
  await response.body.text();
}

async function rawUndici(config: Extract<DeliveryProcessConfig, { mode: 'raw-undici' }>): Promise<void> {
  const agent = createAgent(config.concurrency);
  const url = new URL(config.url);
  let next = 0;
  const caller = async () => {
    while (next < config.count) {
      next++;
      await post(agent, url, config.body, randomUUID());
    }
  };
  await Promise.all(Array.from({ length: config.concurrency }, caller));
  await agent.close();
}

async function start(config: DeliveryProcessConfig): Promise<() => Promise<void>> {
  switch (config.mode) {
    case 'library-worker': {
      const app = await startWebhooksApp({ database: config.database, webhooks: { ...config.webhooks, worker: true } });
      return () => app.close();
    }
    case 'embedded': {
      const app: INestApplicationContext = await startWebhooksApp({ database: config.database, webhooks: { ...config.webhooks, redis: undefined } });
      await createEndpoints(app, config.endpointUrls);
      commands.publish = async (command) => {
        const { deliveries } = await publishAll(app.get(WebhooksService), command.count, command.concurrency);
        send({ type: 'published', deliveries });
      };
      return () => app.close();
    }
    case 'bare-bull': {
      const agent = createAgent(config.concurrency);
      const url = new URL(config.url);
      const queue = new Bull(config.queue, REDIS_URL, { prefix: config.prefix });
      // A job carrying an `id` (the latency baseline's) is received under it; others under the job id.
      void queue.process(config.concurrency, (job: Bull.Job<{ id?: string }>) => post(agent, url, config.body, job.data.id ?? String(job.id)));
      await queue.isReady();
      return async () => {
        await queue.close();
        await agent.close();
      };
    }
    case 'raw-undici':
      commands.go = async () => {
        await rawUndici(config);
        send({ type: 'done' });
      };
      return async () => undefined;
  }
}

const commands: { [K in ParentCommand['cmd']]?: (command: Extract<ParentCommand, { cmd: K }>) => Promise<void> } = {};

async function main(): Promise<void> {
  const config = JSON.parse(process.env.BENCH_PROCESS_CONFIG ?? '{}') as DeliveryProcessConfig;
  const memory = setInterval(() => send({ type: 'memory', rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed }), MEMORY_SAMPLE_MS);
  const stop = await start(config);
  process.on('message', (command: ParentCommand) => {
    if (command.cmd === 'stop') {
      clearInterval(memory);
      void stop().finally(() => process.exit(0));
      return;
    }
    const run = commands[command.cmd] as ((command: ParentCommand) => Promise<void>) | undefined;
    void run?.(command).catch((error: Error) => send({ type: 'error', message: error.stack ?? error.message }));
  });
  send({ type: 'ready' });
}

main().catch((error: Error) => {
  send({ type: 'error', message: error.stack ?? error.message });
  process.exit(1);
});
