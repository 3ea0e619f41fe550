/** DOM helpers; text only, never HTML. Served as `assets/dom.js`. */
export const DOM_JS = String.raw`// Small DOM helpers: elements are built with textContent only, so no data is ever parsed as HTML.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function when(value) {
  return value ? new Date(value).toLocaleString() : '—';
}

export function percent(ratio) {
  return ratio === null || ratio === undefined ? '—' : (ratio * 100).toFixed(1) + ' %';
}

export function ms(value) {
  return value === null || value === undefined ? '—' : value + ' ms';
}

export function badge(status) {
  return h('span', { class: 'badge badge-' + status }, status);
}

export function notice(text, kind) {
  return h('p', { class: 'notice notice-' + (kind || 'info'), role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function table(caption, headers, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, 'Nothing here yet.')))));
}

export function headerList(headers) {
  const entries = Object.entries(headers || {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h('dl', { class: 'headers' }, entries.map(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]));
}

export function field(label, control, hint) {
  const id = control.id || 'f-' + Math.random().toString(36).slice(2);
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

export function select(name, options, selected) {
  return h('select', { name }, options.map(([value, label]) => h('option', { value, selected: value === (selected || '') }, label)));
}

/** datetime-local value (local time) to ISO 8601, or undefined. */
export function isoOf(localValue) {
  return localValue ? new Date(localValue).toISOString() : undefined;
}

export function localOf(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export function busy(button, run) {
  return async (event) => {
    if (event) event.preventDefault();
    button.disabled = true;
    try {
      await run();
    } finally {
      button.disabled = false;
    }
  };
}
`;
