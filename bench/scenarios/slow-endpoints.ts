import type { Scenario } from './scenario';
import { completeness, ENDPOINTS, EVENTS, libraryDeliveryRate, libraryThroughput } from './throughput';

const SILENT = ENDPOINTS / 10;
const TARGET_RATIO = 0.9;

/**
 * Scenario 4: scenario 1 with 10 % of the endpoints on an origin that never answers (the 5 s
 * request timeout applies). The healthy endpoints' rate is compared with scenario 1's.
 */
export const slowEndpointsScenario: Scenario = {
  id: 'slow-endpoints',
  title: '4. Slow endpoints',
  async run(ctx) {
    const reference = await libraryThroughput(ctx);
    ctx.log(`slow endpoints: ${EVENTS} events × ${ENDPOINTS} endpoints, ${SILENT} of them never answer`);
    const healthy = await libraryDeliveryRate(ctx, { label: 'slow-endpoints-worker', endpoints: ENDPOINTS - SILENT, silentEndpoints: SILENT });
    const ratio = healthy.perSecond / reference.perSecond;
    ctx.figure({
      scenario: this.title,
      name: `healthy endpoints, ${SILENT} of ${ENDPOINTS} silent`,
      value: healthy.perSecond,
      unit: 'deliveries/s',
      ratio: { value: ratio, against: 'scenario 1' },
      target: { text: `≥ ${TARGET_RATIO} × scenario 1`, met: ratio >= TARGET_RATIO && healthy.complete },
      note: completeness(healthy),
    });
    ctx.target({
      id: 'T6',
      name: `slow endpoints: healthy rate, ${SILENT} of ${ENDPOINTS} silent`,
      value: healthy.perSecond,
      unit: 'deliveries/s',
      baseline: { name: 'scenario 1', value: reference.perSecond, unit: 'deliveries/s' },
      ratio,
      target: `≥ ${TARGET_RATIO} ×`,
      met: ratio >= TARGET_RATIO && healthy.complete,
    });
    ctx.cpu(this.title, 'library, healthy endpoints counted', healthy.deliveries, healthy.cpu);
    ctx.detail('slow-endpoints', { healthy, reference, silentEndpoints: SILENT, requestsToSilentOrigin: healthy.unanswered });
  },
};
