/** One endpoint: its health, every setting, figures, actions and charts. Served as `assets/endpoint-detail.js`. */
export const ENDPOINT_DETAIL_JS = String.raw`import { get, query } from './api.js';
import { chartsOf } from './charts.js';
import { fill, h, headerList, notice, whenReady } from './dom.js';
import { endpointActions, testControls } from './endpoint-actions.js';
import { maskedSecrets } from './endpoint-secret.js';
import { count, healthBadge, ms, percent, when, whenWithRelative } from './format.js';

export async function endpointDetailView(id) {
  const section = h('section', {});
  await draw(section, id, null);
  return section;
}

async function draw(section, id, said) {
  const [endpoint, stats, row, catalog] = await Promise.all([
    get('endpoints/' + id),
    get('endpoints/' + id + '/stats?hours=24'),
    get('endpoints/stats' + query({ hours: 24, endpointIds: id })),
    get('event-types'),
  ]);
  // The charts' series is the slowest read: asked once the rest is in, and drawn when it comes.
  const series = get('stats/timeseries' + query({ hours: 24, buckets: 24, endpointId: id, by: 'attempt' }));
  const waiting = row.data[0];
  const output = h('div', { 'aria-live': 'polite', id: 'endpoint-output' });
  const secretCell = h('dd', { class: 'secret-cell' }, maskedSecrets(endpoint));
  const redraw = (message) => draw(section, id, message);
  fill(section,
    h('div', { class: 'title-row' }, h('h1', { class: 'url' }, endpoint.url), healthBadge(endpoint.health)),
    said ? notice(said) : null,
    endpoint.status === 'disabled' ? notice('Disabled' + (endpoint.disabledReason ? ': ' + endpoint.disabledReason : '') + '. Deliveries to it fail until it is enabled.', 'error') : null,
    testControls(endpoint, catalog, output),
    endpointActions(endpoint, { output, secretCell, redraw }),
    output,
    h('h2', {}, 'Health'),
    h('dl', { class: 'facts' },
      h('dt', {}, 'State'), h('dd', {}, healthBadge(endpoint.health)),
      h('dt', {}, 'Circuit'), h('dd', {}, endpoint.circuitOpenUntil ? 'open until ' + whenWithRelative(endpoint.circuitOpenUntil) : 'closed'),
      h('dt', {}, 'Failing in a row'), h('dd', {}, String(endpoint.consecutiveFailures) + (endpoint.failingSince ? ' since ' + when(endpoint.failingSince) : '')),
      h('dt', {}, 'Waiting'), h('dd', { class: 'waiting' }, count(waiting.waiting) + (waiting.deliveries.held ? ' (' + count(waiting.deliveries.held) + ' held)' : '')),
      h('dt', {}, 'Next attempt'), h('dd', { class: 'next-attempt' }, whenWithRelative(waiting.nextAttemptAt)),
      h('dt', {}, 'Success (24 h)'), h('dd', {}, percent(stats.successRateIncludingRetrying), h('small', { class: 'muted' }, ' counting retries; ' + percent(stats.successRate) + ' of finished')),
      h('dt', {}, 'Latency p50 / p95'), h('dd', {}, ms(stats.latencyMs.p50) + ' / ' + ms(stats.latencyMs.p95))),
    h('h2', {}, 'Settings'),
    h('dl', { class: 'facts settings' },
      h('dt', {}, 'Description'), h('dd', {}, endpoint.description || '—'),
      h('dt', {}, 'Event types'), h('dd', {}, endpoint.eventTypes.join(', ')),
      h('dt', {}, 'Secret'), secretCell,
      h('dt', {}, 'Timeout'), h('dd', {}, endpoint.timeoutMs ? ms(endpoint.timeoutMs) : 'the default'),
      h('dt', {}, 'Rate limit'), h('dd', {}, endpoint.rateLimitPerSecond ? endpoint.rateLimitPerSecond + ' per second' : 'none'),
      h('dt', {}, 'Custom headers'), h('dd', { class: 'custom-headers' }, headerList(endpoint.headers)),
      h('dt', {}, 'Retry schedule'), h('dd', {}, scheduleText(endpoint.retrySchedule)),
      h('dt', {}, 'Retry on'), h('dd', { class: 'retry-on' }, retryOnText(endpoint.retryOn)),
      h('dt', {}, 'Trace context'), h('dd', { class: 'trace-context' }, endpoint.sendTraceContext ? 'sent (traceparent, tracestate)' : 'not sent'),
      h('dt', {}, 'Metadata'), h('dd', {}, endpoint.metadata ? h('pre', { class: 'metadata' }, JSON.stringify(endpoint.metadata, null, 2)) : '—'),
      h('dt', {}, 'Created'), h('dd', {}, when(endpoint.createdAt)),
      h('dt', {}, 'Updated'), h('dd', {}, when(endpoint.updatedAt))),
    whenReady(series, chartsOf, 'the charts'));
}

function retryOnText(retryOn) {
  if (!retryOn) return "the module's rule";
  return retryOn.length ? retryOn.join(', ') : 'nothing: every failed attempt is final';
}

function scheduleText(schedule) {
  if (!schedule) return 'the default schedule';
  if (schedule.delaysMs) return schedule.delaysMs.length + ' attempts, after ' + schedule.delaysMs.map((delay) => delay + ' ms').join(', ');
  return 'exponential: ' + schedule.baseMs + ' ms × ' + (schedule.factor || 2) + '^n, ' + schedule.maxAttempts + ' attempts' + (schedule.capMs ? ', at most ' + schedule.capMs + ' ms apart' : '');
}
`;
