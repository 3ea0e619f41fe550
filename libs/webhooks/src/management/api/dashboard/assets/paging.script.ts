/** Lists that page with a total. Served as `assets/paging.js`. */
export const PAGING_JS = String.raw`import { get, query } from './api.js';
import { busy, h, notice } from './dom.js';

/**
 * A table over a list route: the first page at once, with the total; "Load more" fetches the
 * next page after the last cursor and is hidden on the last page, so nothing is asked twice.
 * Rows are keyed by id: a row never shows twice. 'onPage' gets each page's new items (e.g. to
 * fetch their figures in one request).
 */
export async function pagedTable({ caption, headers, path, params, limit, row, onPage }) {
  const body = h('tbody', {});
  const items = new Map();
  const summary = h('p', { class: 'muted page-summary', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'load-more' }, 'Load more');
  const message = h('div', {});
  const empty = h('p', { class: 'empty', hidden: true }, 'Nothing here yet.');
  let cursor = null;
  let total = null;
  const load = async () => {
    const first = cursor === null;
    const page = await get(path + query(Object.assign({}, params, { limit: limit || 50, cursor, includeTotal: first ? 'true' : undefined })));
    if (page.total !== undefined) total = page.total;
    const fresh = page.data.filter((item) => !items.has(item.id));
    for (const item of fresh) items.set(item.id, item);
    body.append(...fresh.map(row));
    cursor = page.nextCursor;
    more.hidden = !cursor;
    empty.hidden = items.size > 0;
    summary.textContent = items.size ? 'Showing ' + items.size.toLocaleString() + ' of ' + Number(total).toLocaleString() : '';
    if (onPage && fresh.length) onPage(fresh).catch((error) => message.replaceChildren(notice(error.message, 'error')));
  };
  await load();
  more.addEventListener('click', busy(more, () => load().catch((error) => message.replaceChildren(notice(error.message, 'error')))));
  const element = h('div', { class: 'paged' },
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
      body)),
    empty, h('div', { class: 'actions' }, summary, more), message);
  return { element, body, items };
}
`;
