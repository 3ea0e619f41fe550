import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import type { OutboundAddressPolicy } from './address-policy';
import { systemResolver, type HostResolver } from '../../common/host-resolver';

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
 * is refused before any connection is attempted.
 */
export function guardedLookup(policy: OutboundAddressPolicy, resolve: HostResolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (answer) => {
        const all = answer
          .map((address) => ({ address, family: isIP(address) }))
          .filter((entry) => !options.family || entry.family === 0 || entry.family === options.family);
        const usable = all.filter((entry) => policy.refusalReason(entry.address) === null);
        if (usable.length === 0) {
          const reason = all.length > 0 ? policy.refusalReason(all[0].address) : 'no address';
          return callback(new OutboundAddressRefusedError(`refused to connect to ${hostname}: ${reason}`), '');
        }
        if (options.all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}
