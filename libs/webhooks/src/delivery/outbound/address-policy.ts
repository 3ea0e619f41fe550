import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** 2000::/3: the only IPv6 space allocated for global unicast; the rest is reserved by the IETF. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parse('2000::');
/** 64:ff9b::/96, the well-known NAT64 prefix (RFC 6052); its last 32 bits are the IPv4 address. */
const WELL_KNOWN_NAT64 = ipaddr.IPv6.parse('64:ff9b::');
/** Addresses whose answer is kept; past it the oldest is forgotten. */
const MAX_VERDICTS = 1_000;

/**
 * Decides which IP addresses outbound webhook requests may reach. Only public unicast
 * addresses are allowed, plus the networks the host lists explicitly; everything else
 * (loopback, private, link-local and cloud metadata, CGNAT, multicast, reserved and
 * documentation ranges, and IPv6 forms that embed such an IPv4 address) is refused.
 */
export class OutboundAddressPolicy {
  private readonly allowed: Array<[Address, number]>;
  /** Answers given, by address (each request to an IP literal asks, each connection too). */
  private readonly verdicts = new Map<string, string | null>();

  constructor(allowedNetworks: readonly string[] = []) {
    this.allowed = allowedNetworks.map((cidr) => {
      try {
        return ipaddr.parseCIDR(cidr);
      } catch {
        throw new Error(`outbound.allowedNetworks: "${cidr}" is not a CIDR range`);
      }
    });
  }

  /** Why the address may not be reached, or null when it may (the answer for an address never changes, so it is kept). */
  refusalReason(ip: string): string | null {
    const known = this.verdicts.get(ip);
    if (known !== undefined) return known;
    const reason = this.judge(ip);
    if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value!);
    this.verdicts.set(ip, reason);
    return reason;
  }

  private judge(ip: string): string | null {
    if (!ipaddr.isValid(ip)) return `"${ip}" is not an IP address`;
    const address = canonical(ipaddr.parse(ip));
    if (this.isExplicitlyAllowed(address)) return null;
    const range = address.range();
    if (range !== 'unicast') return `${address.toString()} is in a ${range} range`;
    if (address.kind() === 'ipv6' && !(address as ipaddr.IPv6).match(GLOBAL_UNICAST_V6, 3)) return `${address.toString()} is outside the global unicast range 2000::/3`;
    return null;
  }

  private isExplicitlyAllowed(address: Address): boolean {
    return this.allowed.some(([network, bits]) => address.kind() === network.kind() && address.match(network, bits));
  }
}

// NOTE: an IPv6 address that carries an IPv4 address (mapped, compatible, 6to4, NAT64) is
// routed to that IPv4 address, so it is judged as that IPv4 address. The local-use NAT64
// prefix 64:ff9b:1::/48 (RFC 8215) places the IPv4 address where its operator chooses, so it
// cannot be decoded: it stays IPv6 and is refused as a special range.
function canonical(address: Address): Address {
  if (address.kind() === 'ipv4') return address;
  const v6 = address as ipaddr.IPv6;
  const bytes = v6.toByteArray();
  const range = v6.range();
  if (range === 'ipv4Mapped') return v6.toIPv4Address();
  if ((range === 'rfc6052' && v6.match(WELL_KNOWN_NAT64, 96)) || range === 'rfc6145') return ipaddr.fromByteArray(bytes.slice(12, 16));
  if (range === '6to4') return ipaddr.fromByteArray(bytes.slice(2, 6));
  const compatible = bytes.slice(0, 12).every((b) => b === 0) && !(bytes[12] === 0 && bytes[13] === 0 && bytes[14] === 0);
  if (compatible) return ipaddr.fromByteArray(bytes.slice(12, 16));
  return v6;
}
