/** Delivery history with filters and export, delivery detail with attempts, dead letters. Served as `assets/deliveries.js`. */
export const DELIVERIES_JS = String.raw`import { download, get, post, query } from './api.js';
import { recoverForm } from './endpoints.js';
import { badge, busy, field, h, headerList, isoOf, localOf, ms, notice, select, table, when } from './dom.js';

const STATUSES = ['pending', 'delivering', 'retrying', 'succeeded', 'failed', 'cancelled'];
const UNFINISHED = new Set(['pending', 'delivering', 'retrying']);

/** Delivery history: filters in the address (#/deliveries?status=…), cursor pages, export. */
export async function deliveriesView(params) {
  const filter = { endpointId: params.get('endpointId'), eventType: params.get('eventType'), status: params.get('status'), from: params.get('from'), to: params.get('to') };
  const [catalog, endpoints, page] = await Promise.all([get('event-types'), get('endpoints?limit=100'), get('deliveries' + query(Object.assign({ limit: 50 }, filter)))]);
  const urls = new Map(endpoints.data.map((e) => [e.id, e.url]));
  const body = h('tbody', {});
  const more = h('button', { type: 'button', hidden: !page.nextCursor }, 'Load more');
  let cursor = page.nextCursor;
  const append = (deliveries) => body.append(...deliveries.map((d) => deliveryRow(d, urls)));
  append(page.data);
  more.addEventListener('click', busy(more, async () => {
    const next = await get('deliveries' + query(Object.assign({ limit: 50, cursor }, filter)));
    append(next.data);
    cursor = next.nextCursor;
    more.hidden = !cursor;
  }));
  const status = select('status', [['', 'Any status']].concat(STATUSES.map((s) => [s, s])), filter.status);
  const eventType = select('eventType', [['', 'Any event type']].concat(catalog.data.map((t) => [t.name, t.name]), [['webhook.test', 'webhook.test']]), filter.eventType);
  const endpoint = select('endpointId', [['', 'Any endpoint']].concat(endpoints.data.map((e) => [e.id, e.url])), filter.endpointId);
  const from = h('input', { type: 'datetime-local', name: 'from', value: localOf(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', value: localOf(filter.to) });
  const apply = h('button', { type: 'submit', class: 'primary' }, 'Apply');
  const form = h('form', { class: 'form filters', role: 'search' },
    h('div', { class: 'row' }, field('Status', status), field('Event type', eventType), field('Endpoint', endpoint), field('From', from), field('To', to),
      h('div', { class: 'field end' }, apply)));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = '#/deliveries' + query({ status: status.value, eventType: eventType.value, endpointId: endpoint.value, from: isoOf(from.value), to: isoOf(to.value) });
  });
  const message = h('div', { 'aria-live': 'polite' });
  const exportButton = (format) => {
    const button = h('button', { type: 'button', class: 'export-' + format }, 'Export ' + format.toUpperCase());
    button.addEventListener('click', busy(button, () => download('deliveries/export' + query(Object.assign({ format }, filter)), 'deliveries.' + format)
      .catch((error) => message.replaceChildren(notice(error.message, 'error')))));
    return button;
  };
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', {}, 'Deliveries'), h('div', { class: 'actions' }, exportButton('csv'), exportButton('ndjson'))),
    form, message,
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'visually-hidden' }, 'Deliveries'),
      h('thead', {}, h('tr', {}, ['Created', 'Event type', 'Endpoint', 'Status', 'Attempts', 'Last answer', ''].map((n) => h('th', { scope: 'col' }, n)))),
      body)),
    page.data.length ? null : h('p', { class: 'empty' }, 'No deliveries match.'),
    more);
}

function deliveryRow(delivery, urls) {
  return h('tr', { 'data-delivery': delivery.id },
    h('td', { 'data-label': 'Created' }, when(delivery.createdAt)),
    h('td', { 'data-label': 'Event type' }, h('code', {}, delivery.eventType)),
    h('td', { 'data-label': 'Endpoint', class: 'url' }, urls.get(delivery.endpointId) || delivery.endpointId),
    h('td', { 'data-label': 'Status', class: 'status' }, badge(delivery.status)),
    h('td', { 'data-label': 'Attempts' }, String(delivery.attemptCount)),
    h('td', { 'data-label': 'Last answer' }, delivery.lastStatusCode === null ? (delivery.lastError || '—') : String(delivery.lastStatusCode)),
    h('td', {}, h('a', { href: '#/deliveries/' + delivery.id }, 'Details')));
}

/** Retries, then follows the delivery until it is finished, updating the status cell. */
async function retryAndFollow(id, cell) {
  await post('deliveries/' + id + '/retry');
  cell.replaceChildren(badge('pending'));
  for (let round = 0; round < 60; round++) {
    const delivery = await get('deliveries/' + id);
    cell.replaceChildren(badge(delivery.status));
    if (!UNFINISHED.has(delivery.status)) return delivery;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return null;
}

export async function deliveryDetailView(id) {
  const delivery = await get('deliveries/' + id);
  const statusCell = h('dd', { class: 'status' }, badge(delivery.status));
  const message = h('div', { 'aria-live': 'polite' });
  const retry = h('button', { type: 'button', class: 'primary' }, 'Retry now');
  retry.addEventListener('click', busy(retry, async () => {
    try {
      const finished = await retryAndFollow(id, statusCell);
      if (finished) location.reload();
    } catch (error) {
      message.replaceChildren(notice(error.message, 'error'));
    }
  }));
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', {}, 'Delivery'), retry),
    message,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), statusCell,
      h('dt', {}, 'Event'), h('dd', {}, h('code', {}, delivery.eventType), ' ', h('small', { class: 'muted' }, delivery.eventId)),
      h('dt', {}, 'Endpoint'), h('dd', {}, h('a', { href: '#/endpoints/' + delivery.endpointId }, delivery.endpointId)),
      h('dt', {}, 'Created'), h('dd', {}, when(delivery.createdAt)),
      h('dt', {}, 'Next attempt'), h('dd', {}, when(delivery.nextAttemptAt)),
      h('dt', {}, 'Last error'), h('dd', {}, delivery.lastError || '—')),
    h('h2', {}, 'Attempts'),
    delivery.attempts.length ? h('ol', { class: 'attempts' }, delivery.attempts.map(attemptItem)) : h('p', { class: 'muted' }, 'No attempt yet.'));
}

function attemptItem(attempt) {
  return h('li', {}, h('details', {},
    h('summary', {}, 'Attempt ' + attempt.number + ' · ', h('strong', {}, attempt.responseStatus === null ? 'no answer' : String(attempt.responseStatus)), ' · ' + ms(attempt.durationMs) + ' · ' + when(attempt.startedAt)),
    h('div', { class: 'attempt' },
      h('h3', {}, 'Request headers'), headerList(attempt.requestHeaders),
      h('h3', {}, 'Response status'), h('p', { class: 'response-status' }, attempt.responseStatus === null ? 'none' : String(attempt.responseStatus)),
      attempt.error ? h('p', { class: 'notice notice-error' }, attempt.error) : null,
      h('h3', {}, 'Response headers'), headerList(attempt.responseHeaders),
      h('h3', {}, 'Response body'), h('pre', { class: 'response-body' }, attempt.responseBody || '(empty)'))));
}

/** The dead-letter queue: failed deliveries, each with a retry button; recover per endpoint. */
export async function failedView() {
  const [page, endpoints] = await Promise.all([get('deliveries?status=failed&limit=100'), get('endpoints?limit=100')]);
  const urls = new Map(endpoints.data.map((e) => [e.id, e.url]));
  const rows = page.data.map((delivery) => {
    const statusCell = h('td', { 'data-label': 'Status', class: 'status' }, badge(delivery.status));
    const retry = h('button', { type: 'button' }, 'Retry');
    retry.addEventListener('click', busy(retry, () => retryAndFollow(delivery.id, statusCell).catch((error) => statusCell.replaceChildren(notice(error.message, 'error')))));
    return h('tr', { 'data-delivery': delivery.id },
      h('td', { 'data-label': 'Created' }, when(delivery.createdAt)),
      h('td', { 'data-label': 'Event type' }, h('code', {}, delivery.eventType)),
      h('td', { 'data-label': 'Endpoint', class: 'url' }, urls.get(delivery.endpointId) || delivery.endpointId),
      h('td', { 'data-label': 'Last answer' }, delivery.lastStatusCode === null ? (delivery.lastError || '—') : String(delivery.lastStatusCode)),
      statusCell,
      h('td', {}, retry, ' ', h('a', { href: '#/deliveries/' + delivery.id }, 'Details')));
  });
  return h('section', {},
    h('h1', {}, 'Dead letters'),
    h('p', { class: 'muted' }, 'Deliveries that failed for good: retry one, or recover everything an endpoint missed since a time.'),
    table('Failed deliveries', ['Created', 'Event type', 'Endpoint', 'Last answer', 'Status', ''], rows),
    endpoints.data.length ? recoverForm(endpoints.data) : null);
}
`;
