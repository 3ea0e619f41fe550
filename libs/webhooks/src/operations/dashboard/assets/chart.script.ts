/** Inline SVG line charts (success rate, latency). Served as `assets/chart.js`. */
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
 * A line chart in inline SVG. series: [{ name, values: (number|null)[], tone }]; a null value
 * breaks the line. labels: the bucket start dates.
 */
export function lineChart({ title, series, labels, max, format }) {
  const values = series.flatMap((s) => s.values).filter((v) => v !== null);
  const top = max !== undefined ? max : niceCeiling(Math.max(10, ...values));
  const x = (i) => PAD.left + (labels.length < 2 ? 0 : (i * (WIDTH - PAD.left - PAD.right)) / (labels.length - 1));
  const y = (v) => PAD.top + (1 - v / top) * (HEIGHT - PAD.top - PAD.bottom);
  const summary = series.map((s) => {
    const known = s.values.filter((v) => v !== null);
    return s.name + ': ' + (known.length ? 'latest ' + format(known[known.length - 1]) : 'no data');
  }).join('; ');
  const chart = svg('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', 'aria-label': title + '. ' + summary, class: 'chart', preserveAspectRatio: 'none' });
  for (const fraction of [0, 0.5, 1]) {
    chart.append(svg('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(top * fraction), y2: y(top * fraction), class: 'grid' }));
    chart.append(svg('text', { x: PAD.left - 4, y: y(top * fraction) + 4, 'text-anchor': 'end', class: 'axis' }, format(top * fraction)));
  }
  if (labels.length) {
    chart.append(svg('text', { x: PAD.left, y: HEIGHT - 4, class: 'axis' }, new Date(labels[0]).toLocaleString()));
    chart.append(svg('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, 'text-anchor': 'end', class: 'axis' }, new Date(labels[labels.length - 1]).toLocaleString()));
  }
  for (const s of series) {
    let path = '';
    s.values.forEach((v, i) => {
      if (v === null) return;
      path += (i === 0 || s.values[i - 1] === null ? 'M' : 'L') + x(i).toFixed(1) + ' ' + y(v).toFixed(1) + ' ';
    });
    if (path) chart.append(svg('path', { d: path, class: 'line tone-' + s.tone }));
    s.values.forEach((v, i) => {
      if (v !== null) chart.append(svg('circle', { cx: x(i), cy: y(v), r: 2.5, class: 'dot tone-' + s.tone }));
    });
  }
  return h('figure', { class: 'chart-box' },
    h('figcaption', {}, title, ' ', series.map((s) => h('span', { class: 'legend tone-' + s.tone }, s.name))),
    chart);
}
`;
