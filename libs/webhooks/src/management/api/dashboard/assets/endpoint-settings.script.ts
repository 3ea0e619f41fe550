/** Editors of an endpoint's custom headers and retry schedule. Served as `assets/endpoint-settings.js`. */
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
`;
