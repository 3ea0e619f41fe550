/** Entry module: hash router, navigation state, sign-in errors. Served as `assets/app.js`. */
export const APP_JS = String.raw`import { ApiError, hasPortalToken, takePortalToken } from './api.js';
import { deliveriesView, deliveryDetailView, failedView } from './deliveries.js';
import { h, notice } from './dom.js';
import { endpointDetailView, endpointFormView, endpointsView } from './endpoints.js';
import { monitoringView } from './monitoring.js';

const ID = '([0-9a-f-]{36})';
const ROUTES = [
  [new RegExp('^/endpoints/new$'), () => endpointFormView()],
  [new RegExp('^/endpoints/' + ID + '/edit$'), (id) => endpointFormView(id)],
  [new RegExp('^/endpoints/' + ID + '$'), (id) => endpointDetailView(id)],
  [new RegExp('^/endpoints$'), () => endpointsView()],
  [new RegExp('^/deliveries/' + ID + '$'), (id) => deliveryDetailView(id)],
  [new RegExp('^/deliveries$'), (params) => deliveriesView(params)],
  [new RegExp('^/failed$'), () => failedView()],
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
}

function errorView(error) {
  if (error instanceof ApiError && error.status === 401) {
    return h('section', {}, h('h1', {}, 'Not signed in'),
      notice(hasPortalToken() ? 'This link has expired or is not valid. Ask for a new one.' : 'Open the dashboard through a portal link, or sign in to the application first.', 'error'));
  }
  return h('section', {}, h('h1', {}, 'Something went wrong'), notice(error.message || String(error), 'error'));
}

takePortalToken();
document.getElementById('session').textContent = hasPortalToken() ? 'Portal session' : '';
window.addEventListener('hashchange', render);
render();
`;
