/** Monitoring: totals, charts, queue and recent failures. Served as `assets/monitoring.js`. */
export const MONITORING_JS = String.raw`import { get, query } from './api.js';
import { chartsOf } from './endpoints.js';
import { badge, field, h, ms, percent, select, table, when } from './dom.js';

const WINDOWS = [['1', 'Last hour'], ['24', 'Last 24 hours'], ['168', 'Last 7 days']];

export async function monitoringView(params) {
  const hours = params.get('hours') || '24';
  const endpointId = params.get('endpointId') || '';
  const [stats, series, queue, failures, endpoints] = await Promise.all([
    endpointId ? get('endpoints/' + endpointId + '/stats?hours=' + hours) : get('stats?hours=' + hours),
    get('stats/timeseries' + query({ hours, buckets: 24, endpointId })),
    get('queue'),
    get('failures?limit=10'),
    get('endpoints?limit=100'),
  ]);
  const windowSelect = select('hours', WINDOWS, hours);
  const endpointSelect = select('endpointId', [['', 'All endpoints']].concat(endpoints.data.map((e) => [e.id, e.url])), endpointId);
  const onChange = () => { location.hash = '#/monitoring' + query({ hours: windowSelect.value, endpointId: endpointSelect.value }); };
  windowSelect.addEventListener('change', onChange);
  endpointSelect.addEventListener('change', onChange);
  const tile = (label, value) => h('div', { class: 'tile' }, h('span', { class: 'tile-label' }, label), h('strong', {}, value));
  return h('section', {},
    h('h1', {}, 'Monitoring'),
    h('div', { class: 'row' }, field('Window', windowSelect), field('Endpoint', endpointSelect)),
    h('div', { class: 'tiles' },
      tile('Success rate', percent(stats.successRate)),
      tile('Deliveries', String(stats.deliveries.total)),
      tile('Failed', String(stats.deliveries.failed)),
      tile('Latency p50', ms(stats.latencyMs.p50)),
      tile('Latency p95', ms(stats.latencyMs.p95)),
      tile('Due now', String(queue.backlog.due))),
    chartsOf(series),
    h('h2', {}, 'Recent failures'),
    table('Recent failures', ['When', 'Event type', 'Endpoint', 'Last answer', 'Status'], failures.data.map((d) => h('tr', {},
      h('td', { 'data-label': 'When' }, h('a', { href: '#/deliveries/' + d.id }, when(d.completedAt || d.updatedAt))),
      h('td', { 'data-label': 'Event type' }, h('code', {}, d.eventType)),
      h('td', { 'data-label': 'Endpoint', class: 'url' }, d.endpointUrl),
      h('td', { 'data-label': 'Last answer' }, d.lastStatusCode === null ? (d.lastError || '—') : String(d.lastStatusCode)),
      h('td', { 'data-label': 'Status' }, badge(d.status))))));
}
`;
