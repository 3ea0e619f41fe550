import { performance } from 'node:perf_hooks';
import { withTeardown } from '../support/context';
import { CpuUsage, groupsWithChild } from '../support/cpu-usage';
import { DeliveryProcess } from '../support/delivery-process';
import { endpointUrls } from '../support/endpoints';
import { BenchReceiver } from '../support/receiver';
import { MB } from '../support/report';
import { createSqliteFile } from '../support/services';
import { benchWebhookOptions, PUBLISH_CONCURRENCY } from '../support/workload';
import { bareBullRate, rateOf } from './baselines';
import type { Scenario } from './scenario';
import { completeness } from './throughput';

const EVENTS = 2_000;
const ENDPOINTS = 10;
const WAIT_LIMIT_MS = 120_000;

/**
 * Scenario 6: embedded mode (SQLite file, no Redis). One process publishes and delivers, as
 * an embedded host does; the receiver stays in this process.
 */
export const embeddedScenario: Scenario = {
  id: 'embedded',
  title: '6. Embedded (SQLite)',
  async run(ctx) {
    const bull = await bareBullRate(ctx);
    const rate = await withTeardown(async (teardown) => {
      ctx.log(`embedded: ${EVENTS} events × ${ENDPOINTS} endpoints on SQLite without Redis`);
      const file = createSqliteFile();
      teardown.add(() => file.drop());
      const receiver = new BenchReceiver();
      teardown.add(() => receiver.close());
      const urls = endpointUrls(await receiver.listen(), ENDPOINTS);
      const app = await DeliveryProcess.start(
        { mode: 'embedded', database: { type: 'better-sqlite3', database: file.url }, webhooks: benchWebhookOptions({ redis: undefined }), endpointUrls: urls },
        { profileDir: ctx.profileDir, label: 'embedded' },
      );
      teardown.add(() => app.stop());
      const expected = EVENTS * ENDPOINTS;
      const cpu = new CpuUsage(groupsWithChild(app.pid)).start();
      const startedAt = performance.now();
      app.send({ cmd: 'publish', count: EVENTS, concurrency: PUBLISH_CONCURRENCY });
      const published = app.next('published', WAIT_LIMIT_MS).then(() => performance.now() - startedAt);
      const endedAt = await receiver.waitFor(expected, WAIT_LIMIT_MS);
      return {
        ...rateOf(receiver.count, startedAt, endedAt, performance.now()),
        cpu: cpu.stop(),
        publishMs: await published.catch(() => null),
        peakRssMb: app.peakRss / MB,
        duplicates: receiver.duplicates,
      };
    });
    const ratio = rate.perSecond / bull.perSecond;
    ctx.figure({
      scenario: this.title,
      name: `library ${EVENTS} × ${ENDPOINTS}, one process`,
      value: rate.perSecond,
      unit: 'deliveries/s',
      ratio: { value: ratio, against: '(b)' },
      note: completeness(rate),
    });
    ctx.cpu(this.title, 'library, one process (worker = publisher + worker)', rate.deliveries, rate.cpu);
    ctx.detail('embedded', { library: rate, bareBull: bull });
  },
};
