import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { OutboundAddressPolicy } from './address-policy';

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

export class OutboundAddressRefusedError extends Error {
  override readonly name = 'OutboundAddressRefusedError';
  readonly code = 'EWEBHOOKREFUSED';
}

/**
 * A `lookup` for `net.connect` that drops the addresses the policy refuses. It runs at
 * connect time, on the answer the socket really uses, so a hostname that resolved to a
 * public address when the endpoint was created and to a private one now (DNS rebinding)
 * is refused.
 */
export function guardedLookup(policy: OutboundAddressPolicy, resolve: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const all = addresses as LookupAddress[];
      const usable = all.filter((entry) => policy.refusalReason(entry.address) === null);
      if (usable.length === 0) {
        const reason = all.length > 0 ? policy.refusalReason(all[0].address) : 'no address';
        return callback(new OutboundAddressRefusedError(`refused to connect to ${hostname}: ${reason}`), '');
      }
      if (options.all) return callback(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
