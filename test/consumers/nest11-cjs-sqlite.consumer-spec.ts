import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateWebhookSecret } from 'nestjs-webhooks';
import { ConsumerApp, readTarball } from './support/consumer-app';
import { quickstartEdits } from './support/quickstart';
import { VerifyingReceiver } from './support/verifying-receiver';
import { FULL_WEBHOOKS_MODULE, OPTIONAL_PEERS, WEBHOOKS_MODULE_LINE } from './support/optional-features';
import { waitFor } from '../support/wait-for';

// The oldest combination supported: NestJS 11, TypeORM 0.3, a CommonJS app as `nest new` (v11)
// makes it, on SQLite in embedded mode (no Redis), on this machine's Node 20. First with the
// least a host installs, then with every optional peer of the Nest 11 generation.

const MINUTES = 60_000;
const MINIMAL = ['@nestjs/typeorm@^11', 'typeorm@^0.3', 'better-sqlite3@^12'];
const NEST_11_PEERS = ['@nestjs/event-emitter@^3', '@nestjs/terminus@^11', '@nestjs/swagger@^11', 'class-validator@^0.14', 'class-transformer@^0.5', 'csv-stringify@^6', 'prom-client@^15'];

describe('a NestJS 11 CommonJS app on SQLite, embedded mode, installing the packed tarball', () => {
  let app: ConsumerApp;
  let receiver: VerifyingReceiver;
  const secret = generateWebhookSecret();
  let added: string[];

  beforeAll(async () => {
    app = await ConsumerApp.create('nest11-cjs');
    added = await app.edit(quickstartEdits(['localReceiver', 'sqlite']));
    await app.writePackageJson({
      dependencies: { '@nestjs/common': '^11.0.1', '@nestjs/core': '^11.0.1', '@nestjs/platform-express': '^11.0.1', 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1' },
      devDependencies: { typescript: '~5.9.0', '@types/node': '^20.19.0' },
    });
    await app.install(await readTarball(), ...MINIMAL);
    await app.build();
    receiver = await VerifyingReceiver.start(secret);
  }, 10 * MINUTES);

  afterAll(async () => {
    await app?.remove();
    await receiver?.close();
  });

  it('takes at most 15 added lines (the README quickstart, local receiver and SQLite variants)', () => {
    expect(added.length).toBeLessThanOrEqual(15);
  });

  it('installs none of the optional peers with the minimal install line', async () => {
    for (const entry of ['nestjs-webhooks', 'nestjs-webhooks/receiver']) {
      const load = await app.loadEntryPoint(entry);
      expect(load.error).toBeNull();
      expect(load.loaded.filter((name) => OPTIONAL_PEERS.includes(name))).toEqual([]);
    }
  });

  it('the receiver entry point loads neither TypeORM nor an HTTP client', async () => {
    const { loaded } = await app.loadEntryPoint('nestjs-webhooks/receiver');
    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/common']));
    for (const heavy of ['typeorm', '@nestjs/typeorm', '@nestjs/core', 'undici', 'bull', '@nestjs/swagger']) expect(loaded).not.toContain(heavy);
  });

  it('without the management API peers, nestjs-webhooks/api names every package to install', async () => {
    const { error } = await app.loadEntryPoint('nestjs-webhooks/api');
    expect(error).toBe(
      'nestjs-webhooks: nestjs-webhooks/api (the management API and dashboard) needs @nestjs/swagger, class-validator, class-transformer, csv-stringify. ' +
        'Install them: npm install @nestjs/swagger class-validator class-transformer csv-stringify',
    );
  });

  it('starts and delivers a decorated method’s event, verified by the standardwebhooks package', async () => {
    await app.start({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret });
    try {
      expect(await (await fetch(app.url)).text()).toBe('Hello World!');
      await waitFor(() => receiver.of('hello.sent').length > 0, { timeoutMs: 30_000, what: 'a verified webhook' });
      const [received] = receiver.of('hello.sent');
      expect(received.payload).toMatchObject({ type: 'hello.sent', data: { greeting: 'Hello World!' } });
      expect(receiver.refused).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 2 * MINUTES);

  it('a second start finds its endpoint (ensure) and delivers again', async () => {
    await app.start({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret });
    try {
      const before = receiver.of('hello.sent').length;
      await fetch(app.url);
      await waitFor(() => receiver.of('hello.sent').length > before, { timeoutMs: 30_000, what: 'a second verified webhook' });
      expect(receiver.refused).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 2 * MINUTES);

  it('with `redis` set but Bull not installed, refuses to start and names the package', async () => {
    const failed = await app.failToStart({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain('nestjs-webhooks: The `redis` option (delivery through a Bull queue on Redis) needs bull. Install it: npm install bull');
  }, 2 * MINUTES);

  describe('with the optional peers of NestJS 11 installed', () => {
    beforeAll(async () => {
      await app.install(...NEST_11_PEERS);
      await app.addFile('extras/extras.module.ts', 'src/extras.module.ts');
      await app.edit([
        { file: 'src/app.module.ts', anchor: WEBHOOKS_MODULE_LINE.trim(), position: 'replace', lines: [FULL_WEBHOOKS_MODULE, '    ExtrasModule,'] },
        { file: 'src/app.module.ts', anchor: "import { Module } from '@nestjs/common';", position: 'after', lines: ["import { ExtrasModule } from './extras.module';"] },
      ]);
      await app.build();
      await app.start({ WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret });
    }, 10 * MINUTES);

    afterAll(() => app?.stop());

    it('serves the management API, the dashboard, Terminus health and Prometheus metrics', async () => {
      const types = await (await fetch(`${app.url}/webhooks/event-types`)).json();
      expect(JSON.stringify(types)).toContain('hello.sent');
      expect((await fetch(`${app.url}/webhooks/dashboard`)).status).toBe(200);
      const health = await fetch(`${app.url}/ops/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', info: { webhooks: { status: 'up', database: 'up', redis: 'not configured' } } });
      await fetch(app.url);
      let metrics = '';
      await waitFor(async () => (metrics = await (await fetch(`${app.url}/ops/metrics`)).text()).match(/^webhooks_events_published_total\{event_type="hello\.sent"\} [1-9]/m), {
        what: 'the published event in the metrics',
      }).catch((error: Error) => {
        throw new Error(`${error.message}; the metrics read:\n${metrics.slice(0, 2000)}\nthe app printed:\n${app.output.slice(-3000)}`);
      });
    });

    it('turns an EventEmitter2 domain event (listenTo) into a verified webhook', async () => {
      await fetch(`${app.url}/ops/orders`, { method: 'POST' });
      await waitFor(() => receiver.of('order.created').length > 0, { timeoutMs: 30_000, what: 'the order webhook' });
      const [order] = receiver.of('order.created');
      expect(order.payload.data).toEqual({ id: 'order-1' });
    });
  });
});
