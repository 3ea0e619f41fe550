/** The management API client: portal token or host session, JSON errors, downloads. Served as `assets/api.js`. */
export const API_JS = String.raw`// The management API, called from the page: with the portal token when the page was opened
// through a portal link, with the host's own session (cookies) otherwise.
const TOKEN_KEY = 'webhooks-portal-token';

/** The management prefix: the page lives at <prefix>/dashboard/. */
export const apiBase = new URL('..', document.baseURI).pathname;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Keeps the token of a portal link (#portal=...) for this tab and takes it out of the address bar. */
export function takePortalToken() {
  const match = /(?:^#|&)portal=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(null, '', location.pathname + location.search + '#/endpoints');
}

export function hasPortalToken() {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

function headers(extra) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return Object.assign({ accept: 'application/json' }, token ? { authorization: 'Bearer ' + token } : {}, extra || {});
}

export async function api(method, path, body) {
  const response = await fetch(apiBase + path, {
    method,
    credentials: 'same-origin',
    headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let data = text;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  if (!response.ok) {
    const message = data && data.message ? [].concat(data.message).join('; ') : response.statusText;
    throw new ApiError(response.status, message);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const remove = (path) => api('DELETE', path);

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, value);
  const text = search.toString();
  return text ? '?' + text : '';
}

/** Downloads an export with the same credentials as the API calls (a plain link could not carry the token). */
export async function download(path, filename) {
  const response = await fetch(apiBase + path, { credentials: 'same-origin', headers: headers({ accept: '*/*' }) });
  if (!response.ok) throw new ApiError(response.status, 'export failed: ' + response.status);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
`;
