/** The dead-letter queue: filters, pages, retry of a selection, recovery since a time. Served as `assets/dead-letters.js`. */
export const DEAD_LETTERS_JS = String.raw`import { get, post } from './api.js';
import { deliveryFilters, deliveryRow, DELIVERY_HEADERS, filterOf } from './deliveries.js';
import { actionButton, busy, field, h, isoOf, notice, showFieldError } from './dom.js';
import { badge, count } from './format.js';
import { retryAndFollow } from './delivery-detail.js';
import { pagedTable } from './paging.js';

const HOUR = 3600000;
const WINDOWS = [['Last hour', HOUR], ['Last 24 hours', 24 * HOUR], ['Last 7 days', 7 * 24 * HOUR]];

export async function failedView(params) {
  const filter = Object.assign(filterOf(params), { status: 'failed' });
  const catalog = await get('event-types');
  const selectAll = h('input', { type: 'checkbox', 'aria-label': 'Select every row shown' });
  const [form, list] = await Promise.all([
    deliveryFilters(filter, catalog, { withStatus: false, route: '#/failed' }),
    pagedTable({
      caption: 'Failed deliveries',
      headers: [''].concat(DELIVERY_HEADERS),
      path: 'deliveries',
      params: filter,
      limit: 100,
      row: (delivery) => deliveryRow(delivery, {
        before: h('td', { class: 'select' }, h('input', { type: 'checkbox', class: 'pick', value: delivery.id, 'aria-label': 'Select the delivery of ' + delivery.createdAt })),
        actions: retryOne(delivery),
      }),
    }),
  ]);
  const picked = () => [...list.body.querySelectorAll('input.pick:checked')].map((box) => box.value);
  const selectedCount = h('span', { class: 'muted' }, '0 selected');
  const onPick = () => { selectedCount.textContent = picked().length + ' selected'; };
  list.body.addEventListener('change', onPick);
  selectAll.addEventListener('change', () => {
    for (const box of list.body.querySelectorAll('input.pick')) box.checked = selectAll.checked;
    onPick();
  });
  const retrySelected = actionButton('Retry selected', async () => {
    const ids = picked();
    if (!ids.length) throw new Error('Select the deliveries to retry first.');
    // The API takes 100 at a time, the size of a page.
    const outcomes = [];
    for (let start = 0; start < ids.length; start += 100) outcomes.push(...(await post('deliveries/retry', { deliveryIds: ids.slice(start, start + 100) })).data);
    for (const outcome of outcomes) {
      const row = list.body.querySelector('tr[data-delivery="' + outcome.deliveryId + '"]');
      row.querySelector('.status').replaceChildren(outcome.error ? notice(outcome.error, 'error') : badge(outcome.status));
      row.querySelector('input.pick').checked = false;
    }
    onPick();
    const refused = outcomes.filter((outcome) => outcome.error);
    return 'Queued again: ' + count(outcomes.length - refused.length) + (refused.length ? '; refused: ' + refused.length + ' (see their rows).' : '.');
  }, { class: 'primary' });
  return h('section', {},
    h('h1', {}, 'Dead letters'),
    h('p', { class: 'muted' }, 'Deliveries that failed for good. Retry a selection, or everything that failed since a time.'),
    form,
    recoverPanel(filter),
    h('div', { class: 'actions selection' }, h('label', { class: 'check' }, selectAll, h('span', {}, 'Select all shown')), selectedCount, retrySelected.element),
    list.element);
}

/** Retries one row, and follows it until it is finished. */
function retryOne(delivery) {
  const retry = actionButton('Retry', async (output) => {
    const row = output.closest('tr');
    await retryAndFollow(delivery.id, row.querySelector('.status'));
  });
  return retry.element;
}

/** "Retry all failed since …", with the filters above applied, preset windows or a time. */
function recoverPanel(filter) {
  const message = h('div', { 'aria-live': 'polite', class: 'recover-result' });
  const since = h('input', { type: 'datetime-local', name: 'since' });
  const scope = [filter.endpointId ? 'of the chosen endpoint' : 'of every endpoint', filter.eventType ? 'of type ' + filter.eventType : 'of every type'].join(', ');
  const run = async (sinceIso) => {
    const result = await post('deliveries/recover', { since: sinceIso, endpointId: filter.endpointId, eventType: filter.eventType });
    message.replaceChildren(notice('Queued again: ' + count(result.count) + (result.count === 1 ? ' delivery' : ' deliveries') + (result.skipped ? '; left ' + count(result.skipped) + ' whose endpoint is disabled or deleted.' : '.')));
  };
  const presets = WINDOWS.map(([label, span]) => actionButton(label, () => run(new Date(Date.now() - span).toISOString()), { class: 'preset' }).element);
  const custom = h('button', { type: 'submit' }, 'Retry since this time');
  const form = h('form', { class: 'form inline recover' },
    h('h2', {}, 'Retry all failed since…'),
    h('p', { class: 'muted' }, 'Dead letters ' + scope + ', created since the time chosen; those of disabled or deleted endpoints are left.'),
    h('div', { class: 'actions' }, presets),
    h('div', { class: 'row' }, field('Failed since', since, null, 'since'), h('div', { class: 'field end' }, custom)),
    message);
  form.addEventListener('submit', busy(custom, async () => {
    try {
      if (!since.value) throw new Error('since: choose a time');
      await run(isoOf(since.value));
    } catch (error) {
      showFieldError(form, error, message);
    }
  }));
  return form;
}
`;
