/** The endpoint list: search, status filter, pages with a total, figures per page in one request. Served as `assets/endpoints-list.js`. */
export const ENDPOINTS_LIST_JS = String.raw`import { get, query } from './api.js';
import { field, fill, h, select } from './dom.js';
import { count, healthBadge, percent, when, whenWithRelative } from './format.js';
import { pagedTable } from './paging.js';

const STATUSES = [['', 'Any status'], ['active', 'active'], ['paused', 'paused'], ['disabled', 'disabled']];

export async function endpointsView(params) {
  const filter = { search: params.get('search') || '', status: params.get('status') || '' };
  const cells = new Map();
  const list = await pagedTable({
    caption: 'Endpoints',
    headers: ['URL', 'Health', 'Event types', 'Success (24 h)', 'Waiting', 'Created'],
    path: 'endpoints',
    params: filter,
    limit: 50,
    row: (endpoint) => {
      const rate = h('td', { 'data-label': 'Success (24 h)', class: 'rate' }, '…');
      const waiting = h('td', { 'data-label': 'Waiting', class: 'waiting' }, '…');
      cells.set(endpoint.id, { rate, waiting });
      return h('tr', { 'data-endpoint': endpoint.id },
        h('td', { 'data-label': 'URL' }, h('a', { href: '#/endpoints/' + endpoint.id, class: 'url' }, endpoint.url), endpoint.description ? h('small', { class: 'muted block' }, endpoint.description) : null),
        h('td', { 'data-label': 'Health' }, healthBadge(endpoint.health)),
        h('td', { 'data-label': 'Event types' }, endpoint.eventTypes.join(', ')),
        rate, waiting,
        h('td', { 'data-label': 'Created' }, when(endpoint.createdAt)));
    },
    // One request for the figures of the whole page, not one per row.
    onPage: async (endpoints) => {
      const stats = await get('endpoints/stats' + query({ hours: 24, endpointIds: endpoints.map((e) => e.id).join(',') }));
      for (const figures of stats.data) {
        const row = cells.get(figures.endpointId);
        fill(row.rate, percent(figures.successRateIncludingRetrying),
          h('small', { class: 'muted block' }, count(figures.deliveries.total) + ' deliveries, ' + count(figures.deliveries.failed) + ' failed'));
        fill(row.waiting, count(figures.waiting),
          figures.deliveries.held ? h('small', { class: 'muted block' }, count(figures.deliveries.held) + ' held') : null,
          figures.waiting ? h('small', { class: 'muted block' }, 'next ' + whenWithRelative(figures.nextAttemptAt)) : null);
      }
    },
  });
  const search = h('input', { type: 'search', name: 'search', value: filter.search, placeholder: 'Part of the URL or description' });
  const status = select('status', STATUSES, filter.status);
  const form = h('form', { class: 'form filters', role: 'search' },
    h('div', { class: 'row' }, field('Search', search), field('Status', status), h('div', { class: 'field end' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    location.hash = '#/endpoints' + query({ search: search.value.trim(), status: status.value });
  });
  return h('section', {},
    h('div', { class: 'title-row' }, h('h1', {}, 'Endpoints'), h('a', { class: 'button primary', href: '#/endpoints/new' }, 'New endpoint')),
    form, list.element);
}
`;
