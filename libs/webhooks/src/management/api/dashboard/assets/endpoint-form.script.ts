/** Create and edit an endpoint: every setting, with the event type picker. Served as `assets/endpoint-form.js`. */
export const ENDPOINT_FORM_JS = String.raw`import { get, patch, post } from './api.js';
import { busy, field, h, showFieldError } from './dom.js';
import { headersEditor, retryOnEditor, retryScheduleEditor } from './endpoint-settings.js';
import { secretPanel } from './endpoint-secret.js';

/** Create (no id) or edit form. API errors show under the field they name. */
export async function endpointFormView(id) {
  const [catalog, endpoint] = await Promise.all([get('event-types'), id ? get('endpoints/' + id) : null]);
  const chosen = new Set(endpoint ? endpoint.eventTypes : []);
  const known = new Set(catalog.data.map((type) => type.name));
  const url = h('input', { name: 'url', type: 'url', required: true, value: endpoint ? endpoint.url : '', placeholder: 'https://example.com/webhooks', autocomplete: 'off' });
  const description = h('input', { name: 'description', value: endpoint && endpoint.description ? endpoint.description : '' });
  const everything = h('input', { type: 'checkbox', name: 'eventType', value: '*', checked: chosen.has('*') });
  const boxes = catalog.data.map((type) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name: 'eventType', value: type.name, checked: chosen.has(type.name) }),
    h('span', {}, h('code', {}, type.name), type.description ? h('small', { class: 'muted block' }, type.description) : null)));
  const patterns = h('input', { name: 'patterns', value: [...chosen].filter((t) => t !== '*' && !known.has(t)).join(', '), placeholder: 'invoice.*' });
  const timeout = h('input', { name: 'timeoutMs', type: 'number', min: 1, value: endpoint && endpoint.timeoutMs ? endpoint.timeoutMs : '' });
  const rateLimit = h('input', { name: 'rateLimitPerSecond', type: 'number', min: 1, value: endpoint && endpoint.rateLimitPerSecond ? endpoint.rateLimitPerSecond : '' });
  const status = endpoint ? h('select', { name: 'status' }, ['active', 'paused', 'disabled'].map((s) => h('option', { value: s, selected: s === endpoint.status }, s))) : null;
  const headers = headersEditor(endpoint ? endpoint.headers : null);
  const schedule = retryScheduleEditor(endpoint ? endpoint.retrySchedule : null);
  const retryOn = retryOnEditor(endpoint ? endpoint.retryOn : null);
  const traceContext = h('input', { type: 'checkbox', name: 'sendTraceContext', checked: endpoint ? endpoint.sendTraceContext : true });
  const metadata = h('textarea', { name: 'metadata', rows: 3, placeholder: '{ "team": "billing" }' }, endpoint && endpoint.metadata ? JSON.stringify(endpoint.metadata, null, 2) : '');
  const message = h('div', { 'aria-live': 'polite', class: 'form-message' });
  const submit = h('button', { type: 'submit', class: 'primary' }, id ? 'Save changes' : 'Create endpoint');
  const form = h('form', { class: 'form', novalidate: true },
    field('URL', url),
    field('Description', description),
    h('fieldset', { 'data-field': 'eventTypes' }, h('legend', {}, 'Event types'),
      h('label', { class: 'check' }, everything, h('span', {}, 'All event types ', h('code', {}, '*'))),
      h('div', { class: 'checks' }, boxes),
      field('Other patterns', patterns, 'Comma-separated, e.g. invoice.* ')),
    h('div', { class: 'row' }, field('Timeout (ms)', timeout, 'Empty: the default'), field('Rate limit (per second)', rateLimit, 'Empty: no limit'), status ? field('Status', status) : null),
    h('fieldset', { 'data-field': 'headers' }, h('legend', {}, 'Custom headers'), headers.element),
    h('fieldset', { 'data-field': 'retrySchedule' }, h('legend', {}, 'Retry schedule'), schedule.element),
    retryOn.element,
    h('label', { class: 'check', 'data-field': 'sendTraceContext' }, traceContext,
      h('span', {}, 'Send trace context', h('small', { class: 'muted block' }, "The publisher's W3C traceparent and tracestate, with each attempt."))),
    field('Metadata (JSON object)', metadata, 'Kept with the endpoint, never sent.'),
    h('div', { class: 'actions' }, submit, h('a', { class: 'button', href: id ? '#/endpoints/' + id : '#/endpoints' }, 'Cancel')),
    message);
  form.addEventListener('submit', busy(submit, async () => {
    try {
      const body = {
        url: url.value.trim(),
        description: description.value.trim() || null,
        eventTypes: [...form.querySelectorAll('input[name=eventType]:checked')].map((box) => box.value)
          .concat(patterns.value.split(',').map((p) => p.trim()).filter(Boolean)),
        timeoutMs: timeout.value ? Number(timeout.value) : null,
        rateLimitPerSecond: rateLimit.value ? Number(rateLimit.value) : null,
        headers: headers.read(),
        retrySchedule: schedule.read(),
        retryOn: retryOn.read(),
        sendTraceContext: traceContext.checked,
        metadata: readMetadata(metadata.value),
      };
      if (status && status.value !== endpoint.status) body.status = status.value;
      // A new endpoint leaves unset what has no value; an edit clears it.
      if (!id) for (const key of Object.keys(body)) if (body[key] === null) delete body[key];
      if (id) {
        await patch('endpoints/' + id, body);
        location.hash = '#/endpoints/' + id;
      } else {
        const created = await post('endpoints', body);
        form.replaceWith(secretPanel('Endpoint created', created));
      }
    } catch (error) {
      showFieldError(form, error, message);
    }
  }));
  return h('section', {}, h('h1', {}, id ? 'Edit endpoint' : 'New endpoint'), form);
}

function readMetadata(text) {
  if (!text.trim()) return null;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('metadata must be JSON: ' + text.slice(0, 40));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('metadata must be a JSON object');
  return value;
}
`;
