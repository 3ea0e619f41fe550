/** The management API client: portal token or host session, JSON errors, downloads. Served as `assets/api.js`. */
export const API_JS = String.raw`// The management API, called from the page: with the portal token when the page was opened
// through a portal link, with the host's own session (cookies) otherwise.
import { endPortalSession, portalToken } from './session.js';

/** The management prefix: the page lives at <prefix>/dashboard/. */
export const apiBase = new URL('..', document.baseURI).pathname;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(token, extra) {
  return Object.assign({ accept: 'application/json' }, token ? { authorization: 'Bearer ' + token } : {}, extra || {});
}

async function send(path, init) {
  const token = portalToken();
  const response = await fetch(apiBase + path, Object.assign({ credentials: 'same-origin' }, init, { headers: headers(token, init.headers) }));
  // A refused portal token has ended (expired, or its key changed): stop sending it.
  if (response.status === 401 && token) endPortalSession();
  return response;
}

export async function api(method, path, body) {
  const response = await send(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
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
    const message = data && data.message ? [].concat(data.message).join('; ') : response.status + ' ' + response.statusText;
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
  const response = await send(path, { headers: { accept: '*/*' } });
  if (!response.ok) throw new ApiError(response.status, 'export failed: ' + response.status);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}
`;
