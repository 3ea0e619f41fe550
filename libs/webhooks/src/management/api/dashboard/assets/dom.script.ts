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
  return fill(el, ...children);
}

/** Replaces the children of 'el', skipping null, undefined and false (replaceChildren would print them). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false).map((child) => (child instanceof Node ? child : String(child))));
  return el;
}

/**
 * A place that 'promise' fills when it settles (its error shown there), so the rest of a page
 * need not wait for its slowest part.
 */
export function whenReady(promise, render, label) {
  const slot = h('div', { class: 'deferred', 'aria-busy': 'true' }, h('p', { class: 'loading' }, 'Loading ' + label + '…'));
  promise.then((value) => fill(slot, render(value)), (error) => fill(slot, notice(error.message || String(error), 'error')))
    .finally(() => slot.setAttribute('aria-busy', 'false'));
  return slot;
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

/** A labelled control; errors about the API field 'name' show under it (see showFieldError). */
export function field(label, control, hint, name) {
  const id = control.id || 'f-' + Math.random().toString(36).slice(2);
  control.id = id;
  return h('div', { class: 'field', 'data-field': name || control.name || null }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
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

/**
 * A button whose outcome shows right next to it: the error of a failed call (never an uncaught
 * page error), or the text 'run' returns.
 */
export function actionButton(label, run, attrs) {
  const button = h('button', Object.assign({ type: 'button' }, attrs || {}), label);
  const output = h('span', { class: 'action-output', 'aria-live': 'polite' });
  button.addEventListener('click', busy(button, async () => {
    output.replaceChildren();
    try {
      const said = await run(output);
      if (typeof said === 'string') output.replaceChildren(notice(said));
    } catch (error) {
      output.replaceChildren(notice(error.message || String(error), 'error'));
    }
  }));
  return { button, output, element: h('span', { class: 'action' }, button, output) };
}

/**
 * Shows an API error under the field it names ("url must use https" goes under URL), or in
 * 'fallback' when no field of the form matches.
 */
export function showFieldError(form, error, fallback) {
  for (const old of form.querySelectorAll('.field-error')) old.remove();
  for (const invalid of form.querySelectorAll('[aria-invalid]')) invalid.removeAttribute('aria-invalid');
  const name = /^([A-Za-z]+)/.exec(error.message || '');
  const wrapper = name ? form.querySelector('[data-field="' + name[1] + '"]') : null;
  if (!wrapper) {
    fallback.replaceChildren(notice(error.message || String(error), 'error'));
    return;
  }
  fallback.replaceChildren();
  const control = wrapper.querySelector('input, select, textarea');
  if (control) control.setAttribute('aria-invalid', 'true');
  wrapper.append(h('small', { class: 'field-error', role: 'alert' }, error.message));
  if (control) control.focus();
}
`;
