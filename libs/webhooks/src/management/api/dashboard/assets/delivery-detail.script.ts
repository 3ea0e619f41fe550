/** One delivery: where it goes, what holds it, the exact body and every attempt. Served as `assets/delivery-detail.js`. */
export const DELIVERY_DETAIL_JS = String.raw`import { get, post } from './api.js';
import { actionButton, fill, h, headerList, notice } from './dom.js';
import { deliveryStatus, lastAnswer, ms, nextAttempt, when } from './format.js';

const UNFINISHED = new Set(['pending', 'delivering', 'retrying']);

/** Retries, then follows the delivery until it is finished, redrawing its status. */
export async function retryAndFollow(id, statusCell) {
  await post('deliveries/' + id + '/retry');
  let delivery = await get('deliveries/' + id);
  for (let round = 0; round < 60 && UNFINISHED.has(delivery.status); round++) {
    statusCell.replaceChildren(deliveryStatus(delivery));
    await new Promise((resolve) => setTimeout(resolve, 500));
    delivery = await get('deliveries/' + id);
  }
  statusCell.replaceChildren(deliveryStatus(delivery));
  return delivery;
}

export async function deliveryDetailView(id) {
  const section = h('section', {});
  await draw(section, id);
  return section;
}

async function draw(section, id, said) {
  const delivery = await get('deliveries/' + id);
  const statusCell = h('dd', { class: 'status' }, deliveryStatus(delivery));
  const retry = actionButton('Retry now', async () => {
    const finished = await retryAndFollow(id, statusCell);
    await draw(section, id, 'Retried: ' + finished.status + '.');
  }, { class: 'primary' });
  retry.button.disabled = delivery.status === 'delivering';
  fill(section,
    h('div', { class: 'title-row' }, h('h1', {}, 'Delivery'), retry.element),
    said ? notice(said) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), statusCell,
      h('dt', {}, 'Event'), h('dd', {}, h('code', {}, delivery.eventType), ' ', h('a', { href: '#/events/' + delivery.eventId, class: 'event-link' }, delivery.eventId)),
      h('dt', {}, 'Endpoint'), h('dd', {}, h('a', { href: '#/endpoints/' + delivery.endpointId, class: 'url' }, delivery.endpointUrl || delivery.endpointId)),
      h('dt', {}, 'Delivery id'), h('dd', {}, h('code', {}, delivery.id)),
      h('dt', {}, 'Created'), h('dd', {}, when(delivery.createdAt)),
      h('dt', {}, 'Attempts'), h('dd', {}, String(delivery.attemptCount)),
      h('dt', {}, 'Next attempt'), h('dd', { class: 'next-attempt' }, nextAttempt(delivery)),
      h('dt', {}, 'Last answer'), h('dd', {}, lastAnswer(delivery)),
      h('dt', {}, 'Delivered'), h('dd', {}, when(delivery.deliveredAt))),
    h('h2', {}, 'Request body'),
    h('p', { class: 'muted' }, 'The exact bytes every attempt sends and signs.'),
    delivery.requestBody === null ? h('p', { class: 'muted' }, 'The event is no longer stored.') : h('pre', { class: 'request-body' }, delivery.requestBody),
    h('h2', {}, 'Attempts'),
    delivery.attempts.length ? h('ol', { class: 'attempts' }, delivery.attempts.map(attemptItem)) : h('p', { class: 'muted' }, 'No attempt yet.'));
}

function attemptItem(attempt) {
  return h('li', {}, h('details', {},
    h('summary', {}, 'Attempt ' + attempt.number + ' · ', h('strong', {}, attempt.responseStatus === null ? 'no answer' : String(attempt.responseStatus)), ' · ' + ms(attempt.durationMs) + ' · ' + when(attempt.startedAt)),
    h('div', { class: 'attempt' },
      h('h3', {}, 'Request headers, as signed'), headerList(attempt.requestHeaders),
      h('h3', {}, 'Response status'), h('p', { class: 'response-status' }, attempt.responseStatus === null ? 'none' : String(attempt.responseStatus)),
      attempt.error ? h('p', { class: 'notice notice-error' }, attempt.error) : null,
      h('h3', {}, 'Response headers'), headerList(attempt.responseHeaders),
      h('h3', {}, 'Response body'), h('pre', { class: 'response-body' }, attempt.responseBody || '(empty)'))));
}
`;
