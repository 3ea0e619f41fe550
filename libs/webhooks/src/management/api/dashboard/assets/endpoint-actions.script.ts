/** What can be done to an endpoint, each action disabled when it cannot apply and its error shown beside it. Served as `assets/endpoint-actions.js`. */
export const ENDPOINT_ACTIONS_JS = String.raw`import { get, patch, post, remove } from './api.js';
import { actionButton, h, select } from './dom.js';
import { ms, whenWithRelative } from './format.js';
import { maskedSecrets, secretPanel } from './endpoint-secret.js';

const HELD = {
  'circuit-open': "its circuit breaker is open after repeated failures",
  'rate-limited': 'its rate limit is reached',
  'endpoint-busy': 'it has as many slow requests in flight as allowed',
  'endpoint-paused': 'it is paused',
};

/** Test send: webhook.test, or the catalog's example of a chosen type. */
export function testControls(endpoint, catalog, output) {
  const types = select('testEventType', [['', 'webhook.test']].concat(catalog.data.map((type) => [type.name, type.name + (type.example === undefined ? ' (empty data)' : ' (catalog example)')])), '');
  types.setAttribute('aria-label', 'Event to send');
  const send = actionButton('Send test event', async () => {
    const result = await post('endpoints/' + endpoint.id + '/test', types.value ? { eventType: types.value } : {});
    output.replaceChildren(testResult(result));
  }, { class: 'primary' });
  const active = endpoint.status === 'active';
  send.button.disabled = !active;
  types.disabled = !active;
  const why = active ? null : h('small', { class: 'muted' }, 'The endpoint is ' + endpoint.status + ': enable it to send a test.');
  return h('div', { class: 'actions test-controls' }, types, send.element, why);
}

function testResult(result) {
  const delivery = h('a', { href: '#/deliveries/' + result.deliveryId }, 'Open the delivery');
  if (!result.sent) {
    return h('div', { class: 'panel test-result held' },
      h('h2', {}, 'Not sent'),
      h('p', {}, 'Nothing was sent: ' + (HELD[result.heldBecause] || result.error || 'the endpoint held it') + '.'),
      h('p', {}, 'The test delivery waits until ' + whenWithRelative(result.nextAttemptAt) + ', then goes out like any delivery.'),
      delivery);
  }
  return h('div', { class: 'panel test-result ' + (result.succeeded ? 'ok' : 'bad') },
    h('h2', {}, result.succeeded ? 'Test succeeded' : 'Test failed'),
    h('p', {}, h('code', {}, result.eventType), ': status ', h('strong', {}, result.status === null ? 'no answer' : String(result.status)), ' in ', ms(result.durationMs)),
    result.error ? h('p', {}, result.error) : null,
    result.responseBody ? h('pre', {}, result.responseBody) : null,
    !result.succeeded && result.nextAttemptAt ? h('p', {}, 'Retried ' + whenWithRelative(result.nextAttemptAt) + '.') : null,
    delivery);
}

/**
 * Rotate, pause or enable, delete. 'redraw(message)' draws the page again from the API after
 * a change; the rotated secret's masked form replaces the old one at once.
 */
export function endpointActions(endpoint, { output, secretCell, redraw }) {
  const rotate = actionButton('Rotate secret', async () => {
    if (!confirm('Rotate the secret? The old one keeps signing for 24 hours.')) return undefined;
    const rotated = await post('endpoints/' + endpoint.id + '/rotate-secret', {});
    output.replaceChildren(secretPanel('Secret rotated', rotated));
    secretCell.replaceChildren(maskedSecrets(await get('endpoints/' + endpoint.id)));
    return undefined;
  });
  const next = endpoint.status === 'active' ? 'paused' : 'active';
  const toggle = actionButton(next === 'paused' ? 'Pause' : 'Enable', async () => {
    await patch('endpoints/' + endpoint.id, { status: next });
    await redraw(next === 'paused' ? 'Paused: deliveries wait until it is enabled.' : 'Enabled.');
  });
  const del = actionButton('Delete', async () => {
    if (!confirm('Delete this endpoint? Its pending deliveries are cancelled.')) return undefined;
    await remove('endpoints/' + endpoint.id);
    location.hash = '#/endpoints';
    return undefined;
  }, { class: 'danger' });
  return h('div', { class: 'actions' },
    h('a', { class: 'button', href: '#/endpoints/' + endpoint.id + '/edit' }, 'Edit'),
    rotate.element, toggle.element,
    h('a', { class: 'button', href: '#/deliveries?endpointId=' + endpoint.id }, 'History'),
    h('a', { class: 'button', href: '#/failed?endpointId=' + endpoint.id }, 'Failures'),
    del.element);
}
`;
