/** Delivery history: filters in the address, pages with a total, export. Served as `assets/deliveries.js`. */
export const DELIVERIES_JS = String.raw`import { download, get, query } from './api.js';
import { actionButton, field, h, isoOf, localOf, select, showFieldError } from './dom.js';
import { endpointPicker } from './endpoint-picker.js';
import { deliveryStatus, lastAnswer, nextAttempt, when } from './format.js';
import { pagedTable } from './paging.js';

export const STATUSES = ['pending', 'delivering', 'retrying', 'succeeded', 'failed', 'cancelled'];

/** Filter fields shared by the delivery list and the dead letters. */
export async function deliveryFilters(filter, catalog, options) {
  const endpoint = await endpointPicker(filter.endpointId);
  const eventType = select('eventType', [['', 'Any event type']].concat(catalog.data.map((t) => [t.name, t.name]), [['webhook.test', 'webhook.test']]), filter.eventType);
  const from = h('input', { type: 'datetime-local', name: 'from', value: localOf(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', value: localOf(filter.to) });
  const status = options.withStatus ? select('status', [['', 'Any status']].concat(STATUSES.map((s) => [s, s])), filter.status) : null;
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form filters', role: 'search' },
    h('div', { class: 'row' }, status ? field('Status', status) : null, field('Event type', eventType), field('Endpoint', endpoint.element, null, 'endpoint'), field('From', from), field('To', to),
      h('div', { class: 'field end' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'))),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const chosen = { status: status ? status.value : undefined, eventType: eventType.value, endpointId: await endpoint.resolve(), from: isoOf(from.value), to: isoOf(to.value) };
      location.hash = options.route + query(chosen);
    } catch (error) {
      showFieldError(form, error, message);
    }
  });
  return form;
}

export function filterOf(params) {
  const filter = {};
  for (const key of ['endpointId', 'eventId', 'eventType', 'status', 'from', 'to']) if (params.get(key)) filter[key] = params.get(key);
  return filter;
}

export function deliveryRow(delivery, extraCells) {
  return h('tr', { 'data-delivery': delivery.id },
    extraCells && extraCells.before,
    h('td', { 'data-label': 'Created' }, when(delivery.createdAt)),
    h('td', { 'data-label': 'Event type' }, h('code', {}, delivery.eventType)),
    h('td', { 'data-label': 'Endpoint', class: 'url endpoint-url' }, delivery.endpointUrl || delivery.endpointId),
    h('td', { 'data-label': 'Status', class: 'status' }, deliveryStatus(delivery)),
    h('td', { 'data-label': 'Attempts' }, String(delivery.attemptCount)),
    h('td', { 'data-label': 'Last answer' }, lastAnswer(delivery)),
    h('td', { 'data-label': 'Next attempt', class: 'next-attempt' }, nextAttempt(delivery)),
    h('td', { class: 'row-actions' }, extraCells && extraCells.actions, ' ', h('a', { href: '#/deliveries/' + delivery.id }, 'Details')));
}

export const DELIVERY_HEADERS = ['Created', 'Event type', 'Endpoint', 'Status', 'Attempts', 'Last answer', 'Next attempt', ''];

export async function deliveriesView(params) {
  const filter = filterOf(params);
  const catalog = await get('event-types');
  const [form, list] = await Promise.all([
    deliveryFilters(filter, catalog, { withStatus: true, route: '#/deliveries' }),
    pagedTable({ caption: 'Deliveries', headers: DELIVERY_HEADERS, path: 'deliveries', params: filter, limit: 50, row: (d) => deliveryRow(d) }),
  ]);
  const exportButton = (format) => actionButton('Export ' + format.toUpperCase(), () => download('deliveries/export' + query(Object.assign({ format }, filter)), 'deliveries.' + format), { class: 'export-' + format }).element;
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', {}, 'Deliveries'), h('div', { class: 'actions' }, exportButton('csv'), exportButton('ndjson'))),
    filter.eventId ? h('p', {}, 'Deliveries of event ', h('a', { href: '#/events/' + filter.eventId }, h('code', {}, filter.eventId)), ' · ', h('a', { href: '#/deliveries' }, 'all deliveries')) : null,
    form, list.element);
}
`;
