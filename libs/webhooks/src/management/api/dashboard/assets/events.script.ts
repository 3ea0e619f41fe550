/** Events: search by id, delivery, type and date; the payload; replay. Served as `assets/events.js`. */
export const EVENTS_JS = String.raw`import { get, post, query } from './api.js';
import { deliveryRow, DELIVERY_HEADERS } from './deliveries.js';
import { actionButton, field, fill, h, isoOf, localOf, notice, select, showFieldError, table } from './dom.js';
import { count, when } from './format.js';
import { pagedTable } from './paging.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function eventsView(params) {
  const filter = {};
  for (const key of ['eventId', 'deliveryId', 'eventType', 'from', 'to']) if (params.get(key)) filter[key] = params.get(key);
  const [catalog, list] = await Promise.all([
    get('event-types'),
    pagedTable({ caption: 'Events', headers: ['Created', 'Type', 'Event id', 'Deliveries', ''], path: 'events', params: filter, limit: 50, row: eventRow }),
  ]);
  const eventId = h('input', { name: 'eventId', value: filter.eventId || '', placeholder: 'webhook-id of a received webhook', autocomplete: 'off' });
  const deliveryId = h('input', { name: 'deliveryId', value: filter.deliveryId || '', placeholder: 'x-webhook-delivery of a received webhook', autocomplete: 'off' });
  const eventType = select('eventType', [['', 'Any type']].concat(catalog.data.map((t) => [t.name, t.name]), [['webhook.test', 'webhook.test']]), filter.eventType);
  const from = h('input', { type: 'datetime-local', name: 'from', value: localOf(filter.from) });
  const to = h('input', { type: 'datetime-local', name: 'to', value: localOf(filter.to) });
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form filters', role: 'search' },
    h('div', { class: 'row' }, field('Event id', eventId), field('Delivery id', deliveryId), field('Type', eventType), field('From', from), field('To', to),
      h('div', { class: 'field end' }, h('button', { type: 'submit', class: 'primary' }, 'Search'))),
    message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    for (const [input, name] of [[eventId, 'eventId'], [deliveryId, 'deliveryId']]) {
      if (input.value.trim() && !UUID.test(input.value.trim())) return showFieldError(form, new Error(name + ' must be a UUID'), message);
    }
    location.hash = '#/events' + query({ eventId: eventId.value.trim(), deliveryId: deliveryId.value.trim(), eventType: eventType.value, from: isoOf(from.value), to: isoOf(to.value) });
    return undefined;
  });
  return h('section', {}, h('h1', {}, 'Events'), form, list.element);
}

function eventRow(event) {
  const d = event.deliveries;
  return h('tr', { 'data-event': event.id },
    h('td', { 'data-label': 'Created' }, when(event.createdAt)),
    h('td', { 'data-label': 'Type' }, h('code', {}, event.type)),
    h('td', { 'data-label': 'Event id' }, h('code', { class: 'id' }, event.id)),
    h('td', { 'data-label': 'Deliveries', class: 'summary' }, count(d.total) + ' · ' + count(d.succeeded) + ' succeeded · ' + count(d.failed) + ' failed · ' + count(d.waiting) + ' waiting'),
    h('td', {}, h('a', { href: '#/events/' + event.id }, 'Details')));
}

export async function eventDetailView(id) {
  const section = h('section', {});
  await draw(section, id);
  return section;
}

async function draw(section, id, said) {
  const event = await get('events/' + id);
  const replay = actionButton('Replay', async () => {
    if (!confirm('Send this event again to every endpoint that received it?')) return undefined;
    const result = await post('events/' + id + '/replay');
    await draw(section, id, 'Sent again: ' + result.deliveryCount + (result.deliveryCount === 1 ? ' new delivery.' : ' new deliveries.'));
    return undefined;
  }, { class: 'primary' });
  fill(section,
    h('div', { class: 'title-row' }, h('h1', {}, 'Event'), replay.element),
    said ? notice(said) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Type'), h('dd', {}, h('code', {}, event.type)),
      h('dt', {}, 'Event id'), h('dd', {}, h('code', {}, event.id), h('small', { class: 'muted' }, ' (the webhook-id receivers see)')),
      h('dt', {}, 'Created'), h('dd', {}, when(event.createdAt)),
      h('dt', {}, 'Idempotency key'), h('dd', {}, event.idempotencyKey || '—')),
    h('h2', {}, 'Payload'),
    h('pre', { class: 'payload' }, JSON.stringify(event.data, null, 2)),
    h('div', { class: 'title-row' }, h('h2', {}, 'Deliveries'), h('a', { href: '#/deliveries?eventId=' + event.id }, 'In the delivery history')),
    table('Deliveries of the event', DELIVERY_HEADERS, event.deliveries.map((delivery) => deliveryRow(delivery))));
}
`;
