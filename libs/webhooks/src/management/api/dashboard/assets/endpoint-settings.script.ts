/** Editors of an endpoint's custom headers, retry schedule and retry rule. Served as `assets/endpoint-settings.js`. */
export const ENDPOINT_SETTINGS_JS = String.raw`import { field, h, select } from './dom.js';

const REDACTED = '[redacted]';

/**
 * Name/value rows. A value the API keeps secret (it answers "[redacted]") is never shown: its
 * field stays empty and masked, and sending it back untouched keeps the stored value.
 */
export function headersEditor(headers) {
  const rows = h('div', { class: 'header-rows' });
  const addRow = (name, value) => {
    const hidden = value === REDACTED;
    const nameInput = h('input', { class: 'header-name', value: name, placeholder: 'X-Team', 'aria-label': 'Header name', autocomplete: 'off' });
    const valueInput = h('input', { class: 'header-value', type: hidden ? 'password' : 'text', value: hidden ? '' : value, placeholder: hidden ? 'stored and hidden; type to replace' : 'value', 'aria-label': 'Header value', autocomplete: 'off' });
    valueInput.dataset.stored = hidden ? 'hidden' : '';
    const removeRow = h('button', { type: 'button', class: 'link-button' }, 'Remove');
    const line = h('div', { class: 'header-row' }, nameInput, valueInput, removeRow);
    removeRow.addEventListener('click', () => line.remove());
    rows.append(line);
    return nameInput;
  };
  for (const [name, value] of Object.entries(headers || {})) addRow(name, value);
  const add = h('button', { type: 'button' }, 'Add header');
  add.addEventListener('click', () => addRow('', '').focus());
  const read = () => {
    const result = {};
    for (const line of rows.children) {
      const name = line.querySelector('.header-name').value.trim();
      const value = line.querySelector('.header-value');
      if (name) result[name] = value.value === '' && value.dataset.stored ? REDACTED : value.value;
    }
    return Object.keys(result).length ? result : null;
  };
  const hint = h('small', { class: 'muted block' }, 'Sent with every delivery. Values of credential-like headers (authorization, cookie, *-token, *-key, *-secret…) are encrypted and never shown again.');
  return { element: h('div', {}, rows, add, hint), read };
}

/** The module's schedule, a list of delays, or exponential backoff. */
export function retryScheduleEditor(schedule) {
  const kind = !schedule ? '' : schedule.delaysMs ? 'delays' : 'exponential';
  const mode = select('retryMode', [['', 'The default schedule'], ['delays', 'A list of delays'], ['exponential', 'Exponential backoff']], kind);
  const delays = h('input', { name: 'delaysMs', value: schedule && schedule.delaysMs ? schedule.delaysMs.join(', ') : '', placeholder: '0, 5000, 300000' });
  const number = (name, value) => h('input', { name, type: 'number', min: 0, value: value === undefined || value === null ? '' : value });
  const base = number('baseMs', schedule && schedule.baseMs);
  const factor = number('factor', schedule && schedule.factor);
  const attempts = number('maxAttempts', schedule && schedule.maxAttempts);
  const cap = number('capMs', schedule && schedule.capMs);
  const delaysPart = h('div', { class: 'row' }, field('Delays (ms, comma-separated)', delays, 'Before each attempt; the first is usually 0.'));
  const exponentialPart = h('div', { class: 'row' }, field('Base (ms)', base), field('Factor', factor, 'Default 2'), field('Attempts', attempts), field('Cap (ms)', cap, 'Optional'));
  const show = () => {
    delaysPart.hidden = mode.value !== 'delays';
    exponentialPart.hidden = mode.value !== 'exponential';
  };
  mode.addEventListener('change', show);
  show();
  const read = () => {
    if (mode.value === 'delays') return { delaysMs: delays.value.split(',').map((d) => d.trim()).filter(Boolean).map(Number) };
    if (mode.value !== 'exponential') return null;
    const result = { baseMs: Number(base.value), maxAttempts: Number(attempts.value) };
    if (factor.value) result.factor = Number(factor.value);
    if (cap.value) result.capMs = Number(cap.value);
    return result;
  };
  return { element: h('div', {}, field('Schedule', mode), delaysPart, exponentialPart), read };
}

/**
 * Which failed attempts retry, typed as "408, 429, 5xx, timeout": numbers become statuses, the
 * rest is sent as typed (lower case) for the API to judge. Empty is null, the module's rule;
 * "none" is the empty list, so that no failure retries (and such an endpoint keeps it on save).
 */
export function retryOnEditor(retryOn) {
  const text = !retryOn ? '' : retryOn.length ? retryOn.join(', ') : 'none';
  const input = h('input', { name: 'retryOn', value: text, placeholder: '408, 429, 5xx, timeout', autocomplete: 'off' });
  const read = () => {
    const entries = input.value.split(',').map((entry) => entry.trim().toLowerCase()).filter(Boolean);
    if (!entries.length) return null;
    if (entries.length === 1 && entries[0] === 'none') return [];
    return entries.map((entry) => (/^[0-9]+$/.test(entry) ? Number(entry) : entry));
  };
  const hint = "Statuses (300 to 599) and classes 3xx, 4xx, 5xx, timeout, network, comma-separated; any other failure is final. Empty: the module's rule; none: no failure retries.";
  return { element: field('Retry on', input, hint), read };
}
`;
