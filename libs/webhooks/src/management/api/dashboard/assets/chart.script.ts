/** Inline SVG charts over a time window: lines and stacked bars. Served as `assets/chart.js`. */
export const CHART_JS = String.raw`import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 160;
const PAD = { left: 58, right: 8, top: 10, bottom: 22 };

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

/** The next 1, 2 or 5 times a power of ten, so the axis reads well. */
function niceCeiling(value) {
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value);
}

/**
 * The frame shared by every chart: x is time from the window's start to its end (so the last
 * bucket ends at the right edge, not starts there), y from 0 to 'top', with labelled gridlines.
 */
function frame({ title, summary, window, top, format }) {
  const start = new Date(window.from).getTime();
  const span = Math.max(1, new Date(window.to).getTime() - start);
  const x = (time) => PAD.left + ((new Date(time).getTime() - start) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (value) => PAD.top + (1 - value / top) * (HEIGHT - PAD.top - PAD.bottom);
  const chart = svg('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', 'aria-label': title + '. ' + summary, class: 'chart', preserveAspectRatio: 'none' });
  for (const fraction of [0, 0.5, 1]) {
    chart.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(top * fraction), y2: y(top * fraction), class: 'grid' }));
    chart.append(svg('text', { x: PAD.left - 4, y: y(top * fraction) + 4, 'text-anchor': 'end', class: 'axis' }, format(top * fraction)));
  }
  chart.append(svg('text', { x: PAD.left, y: HEIGHT - 4, class: 'axis axis-start', 'data-time': new Date(window.from).toISOString() }, new Date(window.from).toLocaleString()));
  chart.append(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end', class: 'axis axis-end', 'data-time': new Date(window.to).toISOString() }, new Date(window.to).toLocaleString()));
  return { chart, x, y };
}

function figure(title, legend, chart) {
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title, ' ', legend.map((item) => h('span', { class: 'legend tone-' + item.tone }, item.name))),
    chart);
}

/**
 * Lines over the buckets ({ from, to }), each value drawn at its bucket's middle; a null
 * value breaks the line. series: [{ name, tone, values }].
 */
export function lineChart({ title, window, buckets, series, max, format }) {
  const values = series.flatMap((s) => s.values).filter((v) => v !== null);
  const top = max !== undefined ? max : niceCeiling(Math.max(10, ...values));
  const summary = series.map((s) => {
    const known = s.values.filter((v) => v !== null);
    return s.name + ': ' + (known.length ? 'latest ' + format(known[known.length - 1]) : 'no data');
  }).join('; ');
  const { chart, x, y } = frame({ title, summary, window, top, format });
  const middle = (bucket) => (new Date(bucket.from).getTime() + new Date(bucket.to).getTime()) / 2;
  for (const s of series) {
    let path = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      path += (i === 0 || s.values[i - 1] === null ? 'M' : 'L') + x(middle(buckets[i])).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
    });
    if (path) chart.append(svg('path', { d: path, class: 'line tone-' + s.tone }));
    s.values.forEach((v, i) => {
      if (v !== null) chart.append(svg('circle', { cx: x(middle(buckets[i])), cy: y(v), r: 2.5, class: 'dot tone-' + s.tone, 'data-time': new Date(middle(buckets[i])).toISOString() }));
    });
  }
  return figure(title, series, chart);
}

/** Stacked bars, one per bucket spanning its time. stacks: [{ name, tone, values }]. */
export function stackedBars({ title, window, buckets, stacks, format }) {
  const totals = buckets.map((_, i) => stacks.reduce((sum, s) => sum + s.values[i], 0));
  const top = niceCeiling(Math.max(10, ...totals));
  const summary = stacks.map((s) => s.name + ': ' + s.values.reduce((a, b) => a + b, 0)).join('; ');
  const { chart, x, y } = frame({ title, summary, window, top, format });
  buckets.forEach((bucket, i) => {
    let base = 0;
    const left = x(bucket.from) + 1;
    const width = Math.max(1, x(bucket.to) - x(bucket.from) - 2);
    for (const s of stacks) {
      const value = s.values[i];
      if (!value) continue;
      chart.append(svg('rect', { x: left, width, y: y(base + value), height: y(base) - y(base + value), class: 'bar tone-' + s.tone }, svg('title', {}, s.name + ': ' + value)));
      base += value;
    }
  });
  return figure(title, stacks, chart);
}
`;
