/** How figures, times and states read. Served as `assets/format.js`. */
export const FORMAT_JS = String.raw`import { h } from './dom.js';

export function when(value) {
  return value ? new Date(value).toLocaleString() : '—';
}

/** "12 s", "4 min", "3 h", "2 d". */
export function duration(milliseconds) {
  const size = Math.round(Math.abs(milliseconds) / 1000);
  return size < 60 ? size + ' s' : size < 3600 ? Math.round(size / 60) + ' min' : size < 172800 ? Math.round(size / 3600) + ' h' : Math.round(size / 86400) + ' d';
}

/** "in 4 min", "12 s ago": for times an operator acts on. */
export function relative(value, now) {
  if (!value) return '—';
  const milliseconds = new Date(value).getTime() - (now || Date.now());
  return milliseconds >= 0 ? 'in ' + duration(milliseconds) : duration(milliseconds) + ' ago';
}

export function whenWithRelative(value) {
  return value ? when(value) + ' (' + relative(value) + ')' : '—';
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : (ratio * 100).toFixed(1) + ' %';
}

export function ms(value) {
  return value === null || value === undefined ? '—' : value + ' ms';
}

export function count(value) {
  return value === null || value === undefined ? '—' : Number(value).toLocaleString();
}

export function badge(status, text) {
  return h('span', { class: 'badge badge-' + status }, text || status);
}

const HEALTH_TEXT = { healthy: 'healthy', failing: 'failing', 'circuit-open': 'circuit open', 'circuit-probing': 'probing', paused: 'paused', disabled: 'disabled' };

/** The endpoint's health as a badge, with what an operator needs next to it. */
export function healthBadge(health) {
  const details = [];
  if (health.state === 'circuit-open') details.push('until ' + when(health.circuitOpenUntil));
  if (health.state === 'disabled' && health.reason) details.push(health.reason);
  if (health.consecutiveFailures > 0) details.push(health.consecutiveFailures + ' failed in a row' + (health.failingSince ? ' since ' + when(health.failingSince) : ''));
  return h('span', { class: 'health' }, badge('health-' + health.state, HEALTH_TEXT[health.state] || health.state),
    details.length ? h('small', { class: 'muted block' }, details.join(' · ')) : null);
}

const HOLD_TEXT = { 'circuit-open': 'held: circuit open', 'endpoint-paused': 'held: endpoint paused' };

/** A delivery's status with what holds it, never a bare "retrying". */
export function deliveryStatus(delivery) {
  return h('span', {}, badge(delivery.status), delivery.heldBecause ? h('small', { class: 'muted block hold' }, HOLD_TEXT[delivery.heldBecause]) : null);
}

export function lastAnswer(delivery) {
  if (delivery.lastStatusCode !== null) return String(delivery.lastStatusCode);
  if (delivery.lastError) return delivery.lastError;
  return delivery.attemptCount === 0 ? 'not attempted yet' : '—';
}

const WAITING = new Set(['pending', 'retrying', 'delivering']);

export function nextAttempt(delivery) {
  return WAITING.has(delivery.status) ? whenWithRelative(delivery.nextAttemptAt) : '—';
}
`;
