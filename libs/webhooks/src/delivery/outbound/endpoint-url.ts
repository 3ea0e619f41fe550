import { isIP } from 'node:net';
import type { OutboundAddressPolicy } from './address-policy';
import type { HostResolver } from '../../common/host-resolver';

export { systemResolver, type HostResolver } from '../../common/host-resolver';

export const MAX_ENDPOINT_URL_LENGTH = 2048;

/** `[::1]` → `::1`: URL keeps the brackets of IPv6 literals. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Checks an endpoint URL before it is stored: its form (length, scheme, no credentials) and
 * the addresses its host resolves to now. Returns the problem, or null when the URL is fine.
 * The same address policy is applied again at connect time, so a DNS answer that changes
 * after this check cannot redirect a delivery. `resolve` is required so that this check and
 * the connect-time one ask the same resolver (`outbound.resolveHost`).
 */
export async function findEndpointUrlProblem(
  rawUrl: string,
  options: { allowHttp: boolean; policy: OutboundAddressPolicy; resolve: HostResolver },
): Promise<string | null> {
  const formProblem = findUrlFormProblem(rawUrl, options.allowHttp);
  if (formProblem) return formProblem;
  const hostname = bareHostname(new URL(rawUrl));
  let addresses: string[];
  if (isIP(hostname)) {
    addresses = [hostname];
  } else {
    try {
      addresses = await options.resolve(hostname);
    } catch {
      return `url host "${hostname}" does not resolve`;
    }
  }
  for (const address of addresses) {
    const reason = options.policy.refusalReason(address);
    if (reason) return `url must point to a public address: ${reason}`;
  }
  return null;
}

/**
 * `scheme://host[:port]` of a URL, what log lines may show of it: the path and query of an
 * endpoint URL can be its secret (a Slack-style capability URL), and credentials may sit
 * in a `redis://` URL. `[invalid url]` when it does not parse.
 */
export function urlForLogs(rawUrl: string): string {
  try {
    const url = new URL(rawUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '[invalid url]';
  }
}

export function findUrlFormProblem(rawUrl: string, allowHttp: boolean): string | null {
  if (rawUrl.length > MAX_ENDPOINT_URL_LENGTH) return `url must be at most ${MAX_ENDPOINT_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return 'url must be an absolute URL';
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return allowHttp ? 'url must use https or http' : 'url must use https';
  }
  if (url.username || url.password) return 'url must not contain credentials';
  if (!url.hostname) return 'url must have a host';
  return null;
}
