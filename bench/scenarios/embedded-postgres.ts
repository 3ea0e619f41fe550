import { libraryDeliveryRate, completeness, ENDPOINTS, EVENTS } from './throughput';
import { bareBullRate } from './baselines';
import type { Scenario } from './scenario';

const WORKER_PROCESSES = [1, 2];
const TARGET_RATIO = 0.5;
/**
 * The workers poll; publishing in another process cannot wake them, so a shorter interval than
 * the default second keeps the first poll from weighing on a 10-second measurement.
 */
const POLL_INTERVAL_MS = 100;

/**
 * Scenario 7: Redis-free on PostgreSQL (the embedded dispatcher): the publisher in this
 * process, 1 then 2 worker processes polling the database and claiming there.
 */
export const embeddedPostgresScenario: Scenario = {
  id: 'embedded-postgres',
  title: '7. Redis-free on PostgreSQL',
  async run(ctx) {
    const bull = await bareBullRate(ctx);
    for (const workers of WORKER_PROCESSES) {
      ctx.log(`Redis-free on PostgreSQL: ${EVENTS} events × ${ENDPOINTS} endpoints, ${workers} worker process(es)`);
      const rate = await libraryDeliveryRate(ctx, {
        label: `embedded-postgres-${workers}`,
        endpoints: ENDPOINTS,
        workers,
        webhooks: { redis: undefined, pollIntervalMs: POLL_INTERVAL_MS },
      });
      const ratio = rate.perSecond / bull.perSecond;
      const met = ratio >= TARGET_RATIO && rate.complete && rate.duplicates === 0;
      const name = `library ${EVENTS} × ${ENDPOINTS}, ${workers} worker process${workers > 1 ? 'es' : ''}`;
      ctx.figure({ scenario: this.title, name, value: rate.perSecond, unit: 'deliveries/s', ratio: { value: ratio, against: '(b)' }, target: { text: `≥ ${TARGET_RATIO} × (b)`, met }, note: completeness(rate) });
      ctx.target({
        id: 'T2',
        name: `Redis-free on PostgreSQL, ${workers} worker process${workers > 1 ? 'es' : ''}`,
        value: rate.perSecond,
        unit: 'deliveries/s',
        baseline: { name: '(b) bare Bull + POST', value: bull.perSecond, unit: 'jobs/s' },
        ratio,
        target: `≥ ${TARGET_RATIO} ×`,
        met,
      });
      ctx.cpu(this.title, `library, ${workers} worker process(es)`, rate.deliveries, rate.cpu);
      ctx.detail(`embedded-postgres-${workers}`, { library: rate, duplicates: rate.duplicates });
    }
  },
};
