/** The signing secret: in full once, masked after. Served as `assets/endpoint-secret.js`. */
export const ENDPOINT_SECRET_JS = String.raw`import { h } from './dom.js';
import { when } from './format.js';

/** The secret, shown this once (after creation or rotation). */
export function secretPanel(title, endpoint) {
  const secret = h('code', { class: 'secret', id: 'new-secret' }, endpoint.secret);
  const copy = h('button', { type: 'button' }, 'Copy');
  copy.addEventListener('click', () => navigator.clipboard.writeText(endpoint.secret).then(() => { copy.textContent = 'Copied'; }, () => undefined));
  return h('div', { class: 'panel', role: 'status' },
    h('h2', {}, title),
    h('p', {}, 'Signing secret. Store it now: it is not shown again.'),
    h('p', {}, secret, ' ', copy),
    h('a', { class: 'button primary', href: '#/endpoints/' + endpoint.id }, 'Go to the endpoint'));
}

/** The masked secret and the replaced ones still signing, as the endpoint page lists them. */
export function maskedSecrets(endpoint) {
  return h('span', { class: 'masked-secret' },
    h('code', { class: 'current-secret' }, endpoint.secret),
    endpoint.signatureScheme === 'ed25519' ? h('small', { class: 'muted block' }, 'ed25519; receivers verify with ' + endpoint.verificationKey) : null,
    endpoint.previousSecrets.map((previous) => h('small', { class: 'muted block previous-secret' }, 'also signing: ', h('code', {}, previous.secret), ' until ' + when(previous.expiresAt))));
}
`;
