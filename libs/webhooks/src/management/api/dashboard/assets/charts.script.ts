/** The charts of a timeseries by attempt time: success, latency, status codes, event types. Served as `assets/charts.js`. */
export const CHARTS_JS = String.raw`import { lineChart, stackedBars } from './chart.js';
import { h, table } from './dom.js';
import { count, percent } from './format.js';

const STATUS_CLASSES = [
  { name: '2xx', tone: 's2xx', test: (code) => code !== null && code < 300 },
  { name: '3xx', tone: 's3xx', test: (code) => code !== null && code >= 300 && code < 400 },
  { name: '4xx', tone: 's4xx', test: (code) => code !== null && code >= 400 && code < 500 },
  { name: '5xx', tone: 's5xx', test: (code) => code !== null && code >= 500 },
  { name: 'no answer', tone: 'none', test: (code) => code === null },
];

/** series: the answer of GET stats/timeseries?by=attempt. */
export function chartsOf(series) {
  const window = { from: series.from, to: series.to };
  const buckets = series.data;
  const statusStacks = STATUS_CLASSES.map((cls) => ({
    name: cls.name,
    tone: cls.tone,
    values: buckets.map((b) => (b.byStatusCode || []).filter((s) => cls.test(s.statusCode)).reduce((sum, s) => sum + s.attempts, 0)),
  }));
  const byType = new Map();
  for (const bucket of buckets) {
    for (const row of bucket.byEventType || []) {
      const total = byType.get(row.eventType) || { attempts: 0, succeeded: 0 };
      total.attempts += row.attempts;
      total.succeeded += row.succeeded;
      byType.set(row.eventType, total);
    }
  }
  return h('div', {},
    h('div', { class: 'charts' },
      lineChart({ title: 'Attempts answered 2xx', window, buckets, max: 1, format: percent, series: [{ name: 'success', tone: 'ok', values: buckets.map((b) => b.successRate) }] }),
      lineChart({ title: 'Latency', window, buckets, format: (v) => Math.round(v) + ' ms', series: [
        { name: 'p50', tone: 'p50', values: buckets.map((b) => b.latencyMs.p50) },
        { name: 'p95', tone: 'p95', values: buckets.map((b) => b.latencyMs.p95) },
      ] }),
      stackedBars({ title: 'Attempts by status', window, buckets, stacks: statusStacks, format: (v) => String(Math.round(v)) })),
    h('h2', {}, 'Attempts by event type'),
    table('Attempts by event type', ['Event type', 'Attempts', 'Answered 2xx'], [...byType.entries()].sort((a, b) => b[1].attempts - a[1].attempts).map(([type, total]) => h('tr', { 'data-event-type': type },
      h('td', { 'data-label': 'Event type' }, h('code', {}, type)),
      h('td', { 'data-label': 'Attempts' }, count(total.attempts)),
      h('td', { 'data-label': 'Answered 2xx' }, percent(total.succeeded / total.attempts))))));
}
`;
