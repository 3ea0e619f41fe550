import { lookup } from 'node:dns/promises';

/** Resolves a hostname to every address it has (IPv4 and IPv6), as strings. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/**
 * Injection token of the `HostResolver` the HTTP client uses when it connects: the system
 * resolver, or `outbound.resolveHost` when given (the resolver `EndpointsService` checks
 * URLs with). Tests give the option to simulate DNS answers (for example a hostname that
 * changes to a private address after creation).
 */
export const WEBHOOKS_DNS_LOOKUP = 'WEBHOOKS:DNS_LOOKUP';

/** `dns.lookup` with every address, in the order the system gives them. */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
