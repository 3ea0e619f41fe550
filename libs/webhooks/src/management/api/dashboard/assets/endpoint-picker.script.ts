/** Picks one endpoint among any number, by search. Served as `assets/endpoint-picker.js`. */
export const ENDPOINT_PICKER_JS = String.raw`import { get, query } from './api.js';
import { h } from './dom.js';

const SUGGESTIONS = 20;
let pickers = 0;

/**
 * A search box for one endpoint: type part of its URL or description and pick a suggestion
 * (the API's search, never the whole list, however many endpoints there are). Empty means
 * all endpoints. 'resolve' answers the chosen id, or throws naming the field.
 */
export async function endpointPicker(selectedId, placeholder) {
  const listId = 'endpoint-suggestions-' + ++pickers;
  const input = h('input', { type: 'search', name: 'endpoint', list: listId, autocomplete: 'off', placeholder: placeholder || 'All endpoints' });
  const suggestions = h('datalist', { id: listId });
  const known = new Map();
  const search = async (text, limit) => {
    const page = await get('endpoints' + query({ search: text, limit }));
    for (const endpoint of page.data) known.set(endpoint.url, endpoint.id);
    return page.data;
  };
  let timer;
  const suggest = () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value.trim(), SUGGESTIONS)
      .then((found) => suggestions.replaceChildren(...found.map((endpoint) => h('option', { value: endpoint.url }, endpoint.description || ''))), () => undefined), 150);
  };
  input.addEventListener('input', suggest);
  input.addEventListener('focus', suggest, { once: true });
  if (selectedId) {
    try {
      const endpoint = await get('endpoints/' + selectedId);
      input.value = endpoint.url;
      known.set(endpoint.url, endpoint.id);
    } catch {
      input.value = '';
    }
  }
  const resolve = async () => {
    const text = input.value.trim();
    if (!text) return '';
    if (known.has(text)) return known.get(text);
    const found = await search(text, SUGGESTIONS);
    const exact = found.find((endpoint) => endpoint.url === text);
    if (exact) return exact.id;
    if (found.length === 1) return found[0].id;
    throw new Error(found.length ? 'endpoint: "' + text + '" matches ' + found.length + (found.length === SUGGESTIONS ? ' or more' : '') + ' endpoints, pick one from the list' : 'endpoint: no endpoint matches "' + text + '"');
  };
  return { input, element: h('span', { class: 'picker' }, input, suggestions), resolve };
}
`;
