/** Monitoring: honest tiles, charts by attempt time, recent failures. Served as `assets/monitoring.js`. */
export const MONITORING_JS = String.raw`import { get, query } from './api.js';
import { chartsOf } from './charts.js';
import { field, h, select, showFieldError, table, whenReady } from './dom.js';
import { endpointPicker } from './endpoint-picker.js';
import { badge, count, duration, ms, percent, relative, when } from './format.js';

const WINDOWS = [['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days']];

export async function monitoringView(params) {
  const hours = params.get('hours') || '24';
  const endpointId = params.get('endpointId') || '';
  const [stats, queue, failures, picker] = await Promise.all([
    endpointId ? get('endpoints/' + endpointId + '/stats?hours=' + hours) : get('stats?hours=' + hours),
    get('queue'),
    get('failures?limit=10'),
    endpointPicker(endpointId),
  ]);
  // The charts' series is the slowest read: asked once the figures are in, so they do not
  // queue behind its reads, and drawn when it comes.
  const series = get('stats/timeseries' + query({ hours, buckets: 24, endpointId, by: 'attempt' }));
  const windowSelect = select('hours', WINDOWS, hours);
  const message = h('div', { 'aria-live': 'polite' });
  const filters = h('form', { class: 'row filters' }, field('Window', windowSelect), field('Endpoint', picker.element, null, 'endpoint'), message);
  const onChange = async () => {
    try {
      location.hash = '#/monitoring' + query({ hours: windowSelect.value, endpointId: await picker.resolve() });
    } catch (error) {
      showFieldError(filters, error, message);
    }
  };
  windowSelect.addEventListener('change', onChange);
  picker.input.addEventListener('change', onChange);
  filters.addEventListener('submit', (event) => { event.preventDefault(); onChange(); });
  const d = stats.deliveries;
  const b = queue.backlog;
  const tile = (name, label, value, detail, tone) => h('div', { class: 'tile' + (tone ? ' tile-' + tone : ''), 'data-tile': name },
    h('span', { class: 'tile-label' }, label), h('strong', {}, value), detail ? h('small', { class: 'muted block' }, detail) : null);
  return h('section', {},
    h('h1', {}, 'Monitoring'),
    filters,
    h('h2', {}, 'Deliveries created in the window'),
    h('div', { class: 'tiles' },
      tile('success', 'Success rate', percent(stats.successRateIncludingRetrying), 'retrying counts as not delivered; ' + percent(stats.successRate) + ' of finished', stats.successRateIncludingRetrying !== null && stats.successRateIncludingRetrying < 0.95 ? 'bad' : null),
      tile('deliveries', 'Deliveries', count(d.total), count(d.succeeded) + ' succeeded'),
      tile('failed', 'Failed', count(d.failed), 'dead letters', d.failed ? 'bad' : null),
      tile('retrying', 'Retrying', count(d.retrying), count(d.pending) + ' pending', d.retrying ? 'warn' : null),
      tile('latency', 'Latency p50 / p95', ms(stats.latencyMs.p50) + ' / ' + ms(stats.latencyMs.p95))),
    h('h2', {}, 'Backlog now'),
    h('div', { class: 'tiles' },
      tile('waiting', 'Waiting', count(b.waiting), count(b.retrying) + ' retrying', b.waiting ? 'warn' : null),
      tile('held', 'Held behind circuits', count(b.heldByCircuit), count(b.openCircuits) + ' open circuit' + (b.openCircuits === 1 ? '' : 's') + (b.heldByPause ? '; ' + count(b.heldByPause) + ' held by pauses' : ''), b.heldByCircuit ? 'bad' : null),
      tile('due', 'Due now', count(b.due), b.oldestDueAgeMs ? 'oldest due for ' + duration(b.oldestDueAgeMs) : 'nothing overdue', b.due ? 'warn' : null),
      tile('next', 'Next attempt', b.nextAttemptAt ? relative(b.nextAttemptAt) : '—', b.nextAttemptAt ? when(b.nextAttemptAt) : 'nothing scheduled')),
    h('h2', {}, 'Attempts over time'),
    whenReady(series, chartsOf, 'the charts'),
    h('h2', {}, 'Recent failures'),
    table('Recent failures', ['When', 'Event type', 'Endpoint', 'Last answer', 'Status'], failures.data.map((f) => h('tr', {},
      h('td', { 'data-label': 'When' }, h('a', { href: '#/deliveries/' + f.id }, when(f.completedAt || f.updatedAt))),
      h('td', { 'data-label': 'Event type' }, h('code', {}, f.eventType)),
      h('td', { 'data-label': 'Endpoint', class: 'url' }, f.endpointUrl),
      h('td', { 'data-label': 'Last answer' }, f.lastStatusCode === null ? (f.lastError || '—') : String(f.lastStatusCode)),
      h('td', { 'data-label': 'Status' }, badge(f.status))))));
}
`;
