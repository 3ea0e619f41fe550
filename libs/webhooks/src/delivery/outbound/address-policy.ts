import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Decides which IP addresses outbound webhook requests may reach. Only public unicast
 * addresses are allowed, plus the networks the host lists explicitly; everything else
 * (loopback, private, link-local and cloud metadata, CGNAT, multicast, reserved and
 * documentation ranges, and IPv6 forms that embed such an IPv4 address) is refused.
 */
export class OutboundAddressPolicy {
  private readonly allowed: Array<[Address, number]>;

  constructor(allowedNetworks: readonly string[] = []) {
    this.allowed = allowedNetworks.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`outbound.allowedNetworks: "${cidr}" is not a CIDR range`);
      }
    });
  }

  /** Why the address may not be reached, or null when it may. */
  refusalReason(ip: string): string | null {
    if (!ipaddr.isValid(ip)) return `"${ip}" is not an IP address`;
    const address = canonical(ipaddr.parse(ip));
    if (this.isExplicitlyAllowed(address)) return null;
    const range = address.range();
    return range === 'unicast' ? null : `${address.toString()} is in a ${range} range`;
  }

  private isExplicitlyAllowed(address: Address): boolean {
    return this.allowed.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  }
}

// NOTE: an IPv6 address that carries an IPv4 address (mapped, compatible, 6to4, NAT64) is
// routed to that IPv4 address, so it is judged as that IPv4 address.
function canonical(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  const bytes = v6.toByteArray();
  const range = v6.range();
  if (range === 'ipv4Mapped') return v6.toIPv4Address();
  if (range === 'rfc6052' || range === 'rfc6145') return ipaddr.fromByteArray(bytes.slice(12, 16));
  if (range === '6to4') return ipaddr.fromByteArray(bytes.slice(2, 6));
  const compatible = bytes.slice(0, 12).every((b) => b === 0) && !(bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0);
  if (compatible) return ipaddr.fromByteArray(bytes.slice(12, 16));
  return v6;
}
