import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from 'nestjs-webhooks';
import { createPostgresDatabase, TEST_REDIS_URL } from '../support/services';
import { waitFor } from '../support/wait-for';
import { ConsumerApp, readNode24, readTarball, run } from './support/consumer-app';
import { FULL_WEBHOOKS_MODULE, OPTIONAL_PEERS, WEBHOOKS_MODULE_LINE } from './support/optional-features';
import { quickstartEdits } from './support/quickstart';
import { VerifyingReceiver } from './support/verifying-receiver';

// The newest combination: NestJS 12, TypeORM 1.x, an ES module app as `nest new` (v12) makes it,
// on PostgreSQL with delivery through Bull on Redis; run on Node 24 (from the npm registry) and
// on this machine's Node 20. Every optional peer is installed from the start, so the checks of
// what the main entry point loads are made with them present.

const MINUTES = 60_000;
const PACKAGES = [
  '@nestjs/typeorm@^12',
  'typeorm@^1',
  'pg@^8',
  'bull@^4',
  '@nestjs/event-emitter@^12',
  '@nestjs/terminus@^12',
  '@nestjs/swagger@^12',
  'class-validator@^0.15',
  'class-transformer@^0.5',
  'csv-stringify@^6',
  'prom-client@^15',
];

describe('a NestJS 12 ES module app on PostgreSQL and Redis, installing the packed tarball', () => {
  let app: ConsumerApp;
  let receiver: VerifyingReceiver;
  let database: { url: string; drop: () => Promise<void> };
  let node24: string;
  let env: Record<string, string>;
  const secret = generateWebhookSecret();
  let added: string[];

  beforeAll(async () => {
    node24 = await readNode24();
    database = await createPostgresDatabase();
    app = await ConsumerApp.create('nest12-esm');
    added = await app.edit(quickstartEdits(['localReceiver']));
    await app.writePackageJson({
      type: 'module',
      dependencies: { '@nestjs/common': '^12.0.1', '@nestjs/core': '^12.0.1', '@nestjs/platform-express': '^12.0.1', 'reflect-metadata': '^0.2.2', rxjs: '^7.8.1' },
      devDependencies: { typescript: '~6.0.2', '@types/node': '^24.0.0' },
    });
    await app.install(await readTarball(), ...PACKAGES);
    await app.build();
    receiver = await VerifyingReceiver.start(secret);
    env = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, WEBHOOK_URL: receiver.url, WEBHOOK_SECRET: secret };
  }, 10 * MINUTES);

  afterAll(async () => {
    await app?.remove();
    await receiver?.close();
    await database?.drop();
  });

  it('takes at most 15 added lines (the README quickstart, local receiver variant)', () => {
    expect(added.length).toBeLessThanOrEqual(15);
  });

  it.each(['nestjs-webhooks', 'nestjs-webhooks/receiver', 'nestjs-webhooks/testing'])('%s loads no optional peer, though all are installed (Node 24)', async (entry) => {
    const load = await app.loadEntryPoint(entry, node24);
    expect(load.error).toBeNull();
    expect(load.loaded.filter((name) => OPTIONAL_PEERS.includes(name))).toEqual([]);
  });

  it('nestjs-webhooks/receiver loads neither TypeORM nor Bull nor an HTTP client nor Swagger (Node 24)', async () => {
    const { loaded } = await app.loadEntryPoint('nestjs-webhooks/receiver', node24);
    expect(loaded).toContain('@nestjs/common');
    for (const heavy of ['typeorm', '@nestjs/typeorm', 'bull', 'undici', '@nestjs/swagger']) expect(loaded).not.toContain(heavy);
  });

  it('nestjs-webhooks/api loads its own peers and not Bull, prom-client or Terminus (Node 24)', async () => {
    const { loaded, error } = await app.loadEntryPoint('nestjs-webhooks/api', node24);
    expect(error).toBeNull();
    expect(loaded).toEqual(expect.arrayContaining(['@nestjs/swagger', 'class-validator', 'csv-stringify']));
    for (const other of ['bull', 'prom-client', '@nestjs/terminus']) expect(loaded).not.toContain(other);
  });

  it('nestjs-webhooks/testing drains a published event into a request that standardwebhooks verifies (Node 24)', async () => {
    const kitDatabase = await createPostgresDatabase();
    try {
      await app.addFile('extras/testing-kit-check.mjs', 'testing-kit-check.mjs');
      const { output } = await run(node24, ['testing-kit-check.mjs'], { cwd: app.dir, env: { DATABASE_URL: kitDatabase.url } });
      const { secret, sent } = JSON.parse(output.trim().split('\n').pop()!);
      expect(sent).toMatchObject([{ type: 'kit.checked', data: { ok: true }, attempt: 1, status: 200 }]);
      expect(new Webhook(secret).verify(sent[0].body, sent[0].headers)).toMatchObject({ type: 'kit.checked', data: { ok: true } });
    } finally {
      await kitDatabase.drop();
    }
  });

  it.each([
    ['Node 24', () => node24],
    ['Node 20', () => process.execPath],
  ])('on %s, delivers a decorated method’s event through Bull, verified by the standardwebhooks package', async (_label, node) => {
    const before = receiver.of('hello.sent').length;
    await app.start(env, node());
    try {
      await fetch(app.url);
      await waitFor(() => receiver.of('hello.sent').length >= before + 2, { timeoutMs: 30_000, what: 'verified webhooks' });
      expect(receiver.of('hello.sent')[before].payload).toMatchObject({ type: 'hello.sent', data: { greeting: 'Hello World!' } });
      expect(receiver.refused).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 2 * MINUTES);

  describe('with the management API, health, metrics and domain events', () => {
    beforeAll(async () => {
      await app.addFile('extras/extras.module.ts', 'src/extras.module.ts');
      await app.edit([
        { file: 'src/app.module.ts', anchor: WEBHOOKS_MODULE_LINE.trim(), position: 'replace', lines: [FULL_WEBHOOKS_MODULE, '    ExtrasModule,'] },
        { file: 'src/app.module.ts', anchor: "import { Module } from '@nestjs/common';", position: 'after', lines: ["import { ExtrasModule } from './extras.module.js';"] },
      ]);
      await app.build();
      await app.start(env, node24);
    }, 5 * MINUTES);

    afterAll(() => app?.stop());

    it('serves the API, the dashboard, Terminus health (Redis up) and Prometheus metrics', async () => {
      expect(JSON.stringify(await (await fetch(`${app.url}/webhooks/event-types`)).json())).toContain('hello.sent');
      expect((await fetch(`${app.url}/webhooks/dashboard`)).status).toBe(200);
      const health = await fetch(`${app.url}/ops/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', info: { webhooks: { status: 'up', database: 'up', redis: 'up' } } });
      await waitFor(async () => /^webhooks_events_published_total\{event_type="hello\.sent"\} [1-9]/m.test(await (await fetch(`${app.url}/ops/metrics`)).text()), {
        what: 'the published event in the metrics',
      });
    });

    it('turns an EventEmitter2 domain event into a verified webhook: one EventEmitter2 shared by host and library', async () => {
      await fetch(`${app.url}/ops/orders`, { method: 'POST' });
      await waitFor(() => receiver.of('order.created').length > 0, { timeoutMs: 30_000, what: 'the order webhook' });
      const [order] = receiver.of('order.created');
      expect(order.payload.data).toEqual({ id: 'order-1' });
    });
  });
});
