/** Entry module: hash router, navigation state, session, sign-in errors. Served as `assets/app.js`. */
export const APP_JS = String.raw`import { ApiError } from './api.js';
import { failedView } from './dead-letters.js';
import { deliveriesView } from './deliveries.js';
import { deliveryDetailView } from './delivery-detail.js';
import { h, notice } from './dom.js';
import { endpointDetailView } from './endpoint-detail.js';
import { endpointFormView } from './endpoint-form.js';
import { endpointsView } from './endpoints-list.js';
import { eventDetailView, eventsView } from './events.js';
import { monitoringView } from './monitoring.js';
import { mountSessionStatus, portalSessionEnded, takePortalToken } from './session.js';

const ID = '([0-9a-fA-F-]{36})';
const ROUTES = [
  [new RegExp('^/endpoints/new$'), () => endpointFormView()],
  [new RegExp('^/endpoints/' + ID + '/edit$'), (id) => endpointFormView(id)],
  [new RegExp('^/endpoints/' + ID + '$'), (id) => endpointDetailView(id)],
  [new RegExp('^/endpoints$'), (params) => endpointsView(params)],
  [new RegExp('^/events/' + ID + '$'), (id) => eventDetailView(id)],
  [new RegExp('^/events$'), (params) => eventsView(params)],
  [new RegExp('^/deliveries/' + ID + '$'), (id) => deliveryDetailView(id)],
  [new RegExp('^/deliveries$'), (params) => deliveriesView(params)],
  [new RegExp('^/failed$'), (params) => failedView(params)],
  [new RegExp('^/monitoring$'), (params) => monitoringView(params)],
];

const main = document.getElementById('main');
let rendering = 0;

async function render() {
  const current = ++rendering;
  const [path, search] = (location.hash.slice(1) || '/endpoints').split('?');
  const params = new URLSearchParams(search || '');
  for (const link of document.querySelectorAll('nav a')) {
    const section = link.getAttribute('href').slice(1);
    if (path === section || path.startsWith(section + '/')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  const route = ROUTES.find(([pattern]) => pattern.test(path));
  let view;
  try {
    if (!route) throw new ApiError(404, 'No such page.');
    const match = route[0].exec(path);
    view = await route[1](...(match.length > 1 ? match.slice(1) : [params]));
  } catch (error) {
    view = errorView(error);
  }
  if (current !== rendering) return;
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'false');
  const heading = main.querySelector('h1');
  if (heading) document.title = heading.textContent + ' · Webhooks';
  main.focus({ preventScroll: true });
  drawSession(view.dataset.signedOut === 'true');
}

function errorView(error) {
  if (error instanceof ApiError && error.status === 401) {
    return h('section', { 'data-signed-out': 'true' }, h('h1', {}, 'Not signed in'),
      notice(portalSessionEnded() ? 'This link has expired or is not valid. Ask for a new one.' : 'Open the dashboard through a portal link, or sign in to the application first.', 'error'));
  }
  return h('section', {}, h('h1', {}, 'Something went wrong'), notice(error.message || String(error), 'error'));
}

takePortalToken();
const drawSession = mountSessionStatus(document.getElementById('session'), document.getElementById('session-banner'), render);
window.addEventListener('hashchange', render);
render();
`;
