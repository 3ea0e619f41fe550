/** The portal session: kept for every tab of the browser, with a warning before it ends. Served as `assets/session.js`. */
export const SESSION_JS = String.raw`import { h } from './dom.js';

// NOTE: localStorage, not sessionStorage: a link opened in a new tab (Details, an export)
// stays signed in. The token expires by itself; signing out or a refused token removes it.
const TOKEN_KEY = 'webhooks-portal-token';
const WARN_BEFORE_MS = 5 * 60 * 1000;
let ended = false;

/** Keeps the token of a portal link (#portal=...) and takes it out of the address bar. */
export function takePortalToken() {
  const match = /(?:^#|&)portal=([^&]+)/.exec(location.hash);
  if (!match) return;
  localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  ended = false;
  history.replaceState(null, '', location.pathname + location.search + '#/endpoints');
}

/** Unix ms at which a portal token ends, read from its payload; null when unreadable. */
function expiryOf(token) {
  try {
    const payload = token.slice(4).split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(payload));
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The token to send, or null: none, or it has ended (then it is dropped). */
export function portalToken() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return null;
  const expiry = expiryOf(token);
  if (expiry !== null && expiry <= Date.now()) {
    endPortalSession();
    return null;
  }
  return token;
}

/** The API refused the token, or it ran out: the next requests go without it. */
export function endPortalSession() {
  if (localStorage.getItem(TOKEN_KEY) !== null) ended = true;
  localStorage.removeItem(TOKEN_KEY);
}

/** True when this page had a portal session that has ended. */
export function portalSessionEnded() {
  return ended;
}

/**
 * The header's session line and, near the end, a warning; redrawn every 15 s. 'draw(true)'
 * leaves out the "has ended" line, for a page that says so already.
 */
export function mountSessionStatus(line, banner, onSignOut) {
  const draw = (endShown) => {
    const token = portalToken();
    if (!token) {
      line.replaceChildren();
      banner.replaceChildren(ended && !endShown ? h('p', { class: 'notice notice-error', role: 'status' }, 'The portal session has ended. Ask for a new link to keep working.') : '');
      return;
    }
    const expiry = expiryOf(token);
    const signOut = h('button', { type: 'button', class: 'link-button' }, 'Sign out');
    signOut.addEventListener('click', () => { endPortalSession(); ended = false; onSignOut(); draw(false); });
    line.replaceChildren('Portal session', expiry ? ' · ends ' + new Date(expiry).toLocaleTimeString() : '', ' ', signOut);
    const left = expiry === null ? Infinity : expiry - Date.now();
    banner.replaceChildren(left <= WARN_BEFORE_MS
      ? h('p', { class: 'notice notice-warn', role: 'status' }, 'This portal session ends in ' + Math.max(1, Math.ceil(left / 60000)) + ' min (' + new Date(expiry).toLocaleTimeString() + '). Ask for a new link to keep working after that.')
      : '');
  };
  draw(false);
  setInterval(() => draw(false), 15000);
  // Another tab took a new link or signed out.
  window.addEventListener('storage', (event) => { if (event.key === TOKEN_KEY) draw(false); });
  return draw;
}
`;
