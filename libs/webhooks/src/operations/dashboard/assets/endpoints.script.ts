/** Endpoint list, create/edit form with the event type picker, detail with test, rotation, charts. Served as `assets/endpoints.js`. */
export const ENDPOINTS_JS = String.raw`import { get, patch, post, query, remove } from './api.js';
import { lineChart } from './chart.js';
import { badge, busy, field, h, isoOf, ms, notice, percent, table, when } from './dom.js';

export async function endpointsView() {
  const page = await get('endpoints' + query({ limit: 100 }));
  const rows = page.data.map((endpoint) => {
    const rate = h('td', { 'data-label': 'Success (24 h)' }, '…');
    get('endpoints/' + endpoint.id + '/stats?hours=24').then((stats) => { rate.textContent = percent(stats.successRate); }, () => { rate.textContent = '—'; });
    return h('tr', {},
      h('td', { 'data-label': 'URL' }, h('a', { href: '#/endpoints/' + endpoint.id, class: 'url' }, endpoint.url), endpoint.description ? h('small', { class: 'muted block' }, endpoint.description) : null),
      h('td', { 'data-label': 'Status' }, badge(endpoint.status), endpoint.consecutiveFailures ? h('small', { class: 'muted block' }, endpoint.consecutiveFailures + ' failing in a row') : null),
      h('td', { 'data-label': 'Event types' }, endpoint.eventTypes.join(', ')),
      rate,
      h('td', { 'data-label': 'Created' }, when(endpoint.createdAt)));
  });
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', {}, 'Endpoints'), h('a', { class: 'button primary', href: '#/endpoints/new' }, 'New endpoint')),
    table('Endpoints', ['URL', 'Status', 'Event types', 'Success (24 h)', 'Created'], rows));
}

/** Create (no id) or edit form, with the event type picker from the catalog. */
export async function endpointFormView(id) {
  const [catalog, endpoint] = await Promise.all([get('event-types'), id ? get('endpoints/' + id) : null]);
  const chosen = new Set(endpoint ? endpoint.eventTypes : []);
  const known = new Set(catalog.data.map((type) => type.name));
  const url = h('input', { name: 'url', type: 'url', required: true, value: endpoint ? endpoint.url : '', placeholder: 'https://example.com/webhooks', autocomplete: 'off' });
  const description = h('input', { name: 'description', value: endpoint && endpoint.description ? endpoint.description : '' });
  const everything = h('input', { type: 'checkbox', name: 'eventType', value: '*', checked: chosen.has('*') });
  const boxes = catalog.data.map((type) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'eventType', value: type.name, checked: chosen.has(type.name) }),
    h('span', {}, h('code', {}, type.name), type.description ? h('small', { class: 'muted block' }, type.description) : null)));
  const patterns = h('input', { name: 'patterns', value: [...chosen].filter((t) => t !== '*' && !known.has(t)).join(', '), placeholder: 'invoice.*' });
  const timeout = h('input', { name: 'timeoutMs', type: 'number', min: 1, value: endpoint && endpoint.timeoutMs ? endpoint.timeoutMs : '' });
  const rateLimit = h('input', { name: 'rateLimitPerSecond', type: 'number', min: 1, value: endpoint && endpoint.rateLimitPerSecond ? endpoint.rateLimitPerSecond : '' });
  const status = endpoint ? h('select', { name: 'status' }, ['active', 'paused', 'disabled'].map((s) => h('option', { value: s, selected: s === endpoint.status }, s))) : null;
  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, id ? 'Save changes' : 'Create endpoint');
  const form = h('form', { class: 'form' },
    field('URL', url),
    field('Description', description),
    h('fieldset', {}, h('legend', {}, 'Event types'),
      h('label', { class: 'check' }, everything, h('span', {}, 'All event types ', h('code', {}, '*'))),
      h('div', { class: 'checks' }, boxes),
      field('Other patterns', patterns, 'Comma-separated, e.g. invoice.* ')),
    h('div', { class: 'row' }, field('Timeout (ms)', timeout), field('Rate limit (per second)', rateLimit), status ? field('Status', status) : null),
    h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: id ? '#/endpoints/' + id : '#/endpoints' }, 'Cancel')),
    message);
  form.addEventListener('submit', busy(submit, async () => {
    const types = [...form.querySelectorAll('input[name=eventType]:checked')].map((box) => box.value)
      .concat(patterns.value.split(',').map((p) => p.trim()).filter(Boolean));
    const body = { url: url.value.trim(), description: description.value.trim() || null, eventTypes: types };
    if (timeout.value) body.timeoutMs = Number(timeout.value);
    else if (id) body.timeoutMs = null;
    if (rateLimit.value) body.rateLimitPerSecond = Number(rateLimit.value);
    else if (id) body.rateLimitPerSecond = null;
    if (status && status.value !== endpoint.status) body.status = status.value;
    try {
      if (id) {
        await patch('endpoints/' + id, body);
        location.hash = '#/endpoints/' + id;
      } else {
        const created = await post('endpoints', body);
        form.replaceWith(secretPanel('Endpoint created', created));
      }
    } catch (error) {
      message.replaceChildren(notice(error.message, 'error'));
    }
  }));
  return h('section', {}, h('h1', {}, id ? 'Edit endpoint' : 'New endpoint'), form);
}

/** The secret, shown this once. */
function secretPanel(title, endpoint) {
  const secret = h('code', { class: 'secret', id: 'new-secret' }, endpoint.secret);
  const copy = h('button', { type: 'button' }, 'Copy');
  copy.addEventListener('click', () => navigator.clipboard.writeText(endpoint.secret).then(() => { copy.textContent = 'Copied'; }, () => undefined));
  return h('div', { class: 'panel', role: 'status' },
    h('h2', {}, title),
    h('p', {}, 'Signing secret. Store it now: it is not shown again.'),
    h('p', {}, secret, ' ', copy),
    h('a', { class: 'button primary', href: '#/endpoints/' + endpoint.id }, 'Go to the endpoint'));
}

export async function endpointDetailView(id) {
  const [endpoint, stats, series] = await Promise.all([
    get('endpoints/' + id),
    get('endpoints/' + id + '/stats?hours=24'),
    get('stats/timeseries' + query({ hours: 24, buckets: 24, endpointId: id })),
  ]);
  const output = h('div', { 'aria-live': 'polite', id: 'endpoint-output' });
  const testButton = h('button', { type: 'button', class: 'primary' }, 'Send test event');
  testButton.addEventListener('click', busy(testButton, async () => {
    try {
      const result = await post('endpoints/' + id + '/test');
      output.replaceChildren(h('div', { class: 'panel test-result ' + (result.succeeded ? 'ok' : 'bad') },
        h('h2', {}, result.succeeded ? 'Test succeeded' : 'Test failed'),
        h('p', {}, 'Status ', h('strong', {}, result.status === null ? 'no answer' : String(result.status)), ' in ', ms(result.durationMs)),
        result.error ? h('p', {}, result.error) : null,
        result.responseBody ? h('pre', {}, result.responseBody) : null,
        h('a', { href: '#/deliveries/' + result.deliveryId }, 'Open the delivery')));
    } catch (error) {
      output.replaceChildren(notice(error.message, 'error'));
    }
  }));
  const rotate = h('button', { type: 'button' }, 'Rotate secret');
  rotate.addEventListener('click', busy(rotate, async () => {
    if (!confirm('Rotate the secret? The old one keeps signing for 24 hours.')) return;
    try {
      output.replaceChildren(secretPanel('Secret rotated', await post('endpoints/' + id + '/rotate-secret', {})));
    } catch (error) {
      output.replaceChildren(notice(error.message, 'error'));
    }
  }));
  const toggle = h('button', { type: 'button' }, endpoint.status === 'active' ? 'Pause' : 'Enable');
  toggle.addEventListener('click', busy(toggle, async () => {
    await patch('endpoints/' + id, { status: endpoint.status === 'active' ? 'paused' : 'active' });
    location.reload();
  }));
  const del = h('button', { type: 'button', class: 'danger' }, 'Delete');
  del.addEventListener('click', busy(del, async () => {
    if (!confirm('Delete this endpoint? Its pending deliveries are cancelled.')) return;
    await remove('endpoints/' + id);
    location.hash = '#/endpoints';
  }));
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', { class: 'url' }, endpoint.url), badge(endpoint.status)),
    endpoint.disabledReason ? notice('Disabled: ' + endpoint.disabledReason, 'error') : null,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Event types'), h('dd', {}, endpoint.eventTypes.join(', ')),
      h('dt', {}, 'Secret'), h('dd', {}, h('code', {}, endpoint.secret)),
      h('dt', {}, 'Success (24 h)'), h('dd', {}, percent(stats.successRate)),
      h('dt', {}, 'Latency p50 / p95'), h('dd', {}, ms(stats.latencyMs.p50) + ' / ' + ms(stats.latencyMs.p95)),
      h('dt', {}, 'Failing in a row'), h('dd', {}, String(endpoint.consecutiveFailures))),
    h('div', { class: 'actions' }, testButton, h('a', { class: 'button', href: '#/endpoints/' + id + '/edit' }, 'Edit'), rotate, toggle,
      h('a', { class: 'button', href: '#/deliveries?endpointId=' + id }, 'Deliveries'), del),
    output,
    chartsOf(series));
}

export function chartsOf(series) {
  const labels = series.data.map((bucket) => bucket.from);
  return h('div', { class: 'charts' },
    lineChart({ title: 'Success rate', labels, max: 1, format: percent, series: [{ name: 'success', tone: 'ok', values: series.data.map((b) => b.successRate) }] }),
    lineChart({ title: 'Latency', labels, format: (v) => Math.round(v) + ' ms', series: [
      { name: 'p50', tone: 'p50', values: series.data.map((b) => b.latencyMs.p50) },
      { name: 'p95', tone: 'p95', values: series.data.map((b) => b.latencyMs.p95) },
    ] }));
}

/** Recover form: re-queues an endpoint's dead letters since a time. */
export function recoverForm(endpoints) {
  const endpoint = h('select', { name: 'endpointId' }, endpoints.map((e) => h('option', { value: e.id }, e.url)));
  const since = h('input', { type: 'datetime-local', name: 'since', required: true });
  const message = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Recover');
  const form = h('form', { class: 'form inline' }, h('h2', {}, 'Recover an endpoint'),
    h('div', { class: 'row' }, field('Endpoint', endpoint), field('Failed since', since), h('div', { class: 'field end' }, submit)), message);
  form.addEventListener('submit', busy(submit, async () => {
    try {
      const result = await post('endpoints/' + endpoint.value + '/recover', { since: isoOf(since.value) });
      message.replaceChildren(notice('Queued again: ' + result.count + (result.count === 1 ? ' delivery.' : ' deliveries.')));
    } catch (error) {
      message.replaceChildren(notice(error.message, 'error'));
    }
  }));
  return form;
}
`;
