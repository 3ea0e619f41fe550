import { describe, expect, it } from '@jest/globals';
import { OutboundAddressPolicy } from './address-policy';

describe('OutboundAddressPolicy', () => {
  const policy = new OutboundAddressPolicy();

  // [address, what it is, the range named in the reason]
  const refused: Array<[string, string, string]> = [
    ['127.0.0.1', 'loopback', '127.0.0.1 is in a loopback range'],
    ['127.1.2.3', 'loopback, not only .1', '127.1.2.3 is in a loopback range'],
    ['10.0.0.1', 'private 10/8', '10.0.0.1 is in a private range'],
    ['172.16.0.1', 'private 172.16/12', '172.16.0.1 is in a private range'],
    ['172.31.255.255', 'private 172.16/12 upper end', '172.31.255.255 is in a private range'],
    ['192.168.1.1', 'private 192.168/16', '192.168.1.1 is in a private range'],
    ['169.254.169.254', 'link-local, cloud metadata', '169.254.169.254 is in a linkLocal range'],
    ['100.64.0.1', 'carrier-grade NAT', '100.64.0.1 is in a carrierGradeNat range'],
    ['0.0.0.0', 'unspecified', '0.0.0.0 is in a unspecified range'],
    ['0.1.2.3', '"this network" 0/8', '0.1.2.3 is in a unspecified range'],
    ['255.255.255.255', 'broadcast', '255.255.255.255 is in a broadcast range'],
    ['224.0.0.1', 'multicast', '224.0.0.1 is in a multicast range'],
    ['239.255.255.250', 'multicast (SSDP)', '239.255.255.250 is in a multicast range'],
    ['192.0.2.1', 'documentation TEST-NET-1', '192.0.2.1 is in a reserved range'],
    ['198.51.100.7', 'documentation TEST-NET-2', '198.51.100.7 is in a reserved range'],
    ['203.0.113.9', 'documentation TEST-NET-3', '203.0.113.9 is in a reserved range'],
    ['240.0.0.1', 'reserved 240/4', '240.0.0.1 is in a reserved range'],
    ['198.18.0.1', 'benchmarking 198.18/15', '198.18.0.1 is in a reserved range'],
    ['192.0.0.1', 'IETF protocol assignments', '192.0.0.1 is in a reserved range'],
    ['::1', 'IPv6 loopback', '::1 is in a loopback range'],
    ['::', 'IPv6 unspecified', ':: is in a unspecified range'],
    ['fe80::1', 'IPv6 link-local', 'fe80::1 is in a linkLocal range'],
    ['fc00::1', 'IPv6 unique local', 'fc00::1 is in a uniqueLocal range'],
    ['fd12::1', 'IPv6 unique local fd', 'fd12::1 is in a uniqueLocal range'],
    ['ff02::1', 'IPv6 multicast', 'ff02::1 is in a multicast range'],
    ['2001:db8::1', 'IPv6 documentation', '2001:db8::1 is in a reserved range'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback', '127.0.0.1 is in a loopback range'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private', '10.0.0.1 is in a private range'],
    ['::ffff:169.254.169.254', 'IPv4-mapped metadata', '169.254.169.254 is in a linkLocal range'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback in hex', '127.0.0.1 is in a loopback range'],
    ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1', '127.0.0.1 is in a loopback range'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of 169.254.169.254', '169.254.169.254 is in a linkLocal range'],
    ['64:ff9b::10.0.0.1', 'NAT64 of 10.0.0.1, dotted', '10.0.0.1 is in a private range'],
    ['::ffff:0:7f00:1', 'IPv4-translated (RFC 6145) 127.0.0.1', '127.0.0.1 is in a loopback range'],
    ['2002:7f00:1::1', '6to4 of 127.0.0.1', '127.0.0.1 is in a loopback range'],
    ['2002:a00:1::', '6to4 of 10.0.0.1', '10.0.0.1 is in a private range'],
    ['2002:a9fe:a9fe::1', '6to4 of 169.254.169.254', '169.254.169.254 is in a linkLocal range'],
    ['::7f00:1', 'IPv4-compatible 127.0.0.1', '127.0.0.1 is in a loopback range'],
    ['::a9fe:a9fe', 'IPv4-compatible 169.254.169.254', '169.254.169.254 is in a linkLocal range'],
    ['::a00:1', 'IPv4-compatible 10.0.0.1', '10.0.0.1 is in a private range'],
    ['2001::1', 'Teredo', '2001::1 is in a teredo range'],
    ['fec0::1', 'deprecated site-local', 'fec0::1 is in a deprecatedSiteLocal range'],
    ['100::1', 'IPv6 discard', '100::1 is in a discard range'],
    ['100.100.100.200', 'CGNAT cloud metadata (Alibaba)', '100.100.100.200 is in a carrierGradeNat range'],
    ['169.254.170.2', 'link-local container metadata (ECS)', '169.254.170.2 is in a linkLocal range'],
    ['fd00:ec2::254', 'IPv6 cloud metadata (AWS)', 'fd00:ec2::254 is in a uniqueLocal range'],
    ['224.0.0.251', 'multicast (mDNS)', '224.0.0.251 is in a multicast range'],
    ['192.88.99.1', 'deprecated 6to4 relay anycast', '192.88.99.1 is in a reserved range'],
    ['::ffff:0.0.0.0', 'IPv4-mapped unspecified', '0.0.0.0 is in a unspecified range'],
    ['::ffff:255.255.255.255', 'IPv4-mapped broadcast', '255.255.255.255 is in a broadcast range'],
    ['::ffff:100.64.0.1', 'IPv4-mapped CGNAT', '100.64.0.1 is in a carrierGradeNat range'],
    ['::ffff:192.0.2.1', 'IPv4-mapped documentation', '192.0.2.1 is in a reserved range'],
    ['::ffff:224.0.0.1', 'IPv4-mapped multicast', '224.0.0.1 is in a multicast range'],
    ['64:ff9b::c0a8:101', 'NAT64 of 192.168.1.1', '192.168.1.1 is in a private range'],
    ['64:ff9b::6440:1', 'NAT64 of 100.64.0.1', '100.64.0.1 is in a carrierGradeNat range'],
    ['2002:c0a8:101::1', '6to4 of 192.168.1.1', '192.168.1.1 is in a private range'],
    ['::c0a8:101', 'IPv4-compatible 192.168.1.1', '192.168.1.1 is in a private range'],
    ['64:ff9b:1::808:808', 'local-use NAT64 (RFC 8215), prefix placement unknown', '64:ff9b:1::808:808 is in a rfc6052 range'],
    ['3fff::1', 'IPv6 documentation (RFC 9637)', '3fff::1 is in a reserved range'],
    ['5f00::1', 'SRv6 segment identifiers', '5f00::1 is in a segmentRouting range'],
    ['2001:20::1', 'ORCHIDv2', '2001:20::1 is in a orchid2 range'],
    ['4000::1', 'IPv6 outside 2000::/3', '4000::1 is outside the global unicast range 2000::/3'],
    ['::5', 'IPv6 ::/96 below the IPv4-compatible space', '::5 is outside the global unicast range 2000::/3'],
    ['0:0:0:ffff:0:0:7f00:1', 'IPv6 of no standard form', '::ffff:0:0:7f00:1 is outside the global unicast range 2000::/3'],
  ];

  it('lists at least 30 refused addresses', () => {
    expect(refused.length).toBeGreaterThanOrEqual(30);
  });

  it.each(refused)('refuses %s (%s)', (ip, _what, reason) => {
    expect(policy.refusalReason(ip)).toBe(reason);
  });

  const allowed: Array<[string, string]> = [
    ['8.8.8.8', 'public IPv4'],
    ['1.1.1.1', 'public IPv4'],
    ['93.184.216.34', 'public IPv4'],
    ['172.32.0.1', 'just above 172.16/12'],
    ['100.128.0.1', 'just above 100.64/10'],
    ['2606:4700:4700::1111', 'public IPv6'],
    ['2001:4860:4860::8888', 'public IPv6'],
    ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
    ['::ffff:8.8.8.8', 'IPv4-mapped 8.8.8.8'],
    ['2002:808:808::1', '6to4 of 8.8.8.8'],
  ];

  it.each(allowed)('allows %s (%s)', (ip) => {
    expect(policy.refusalReason(ip)).toBeNull();
  });

  it.each(['example.com', 'localhost', '', '1.2.3.4.5', '256.0.0.1', 'fe80::1::2', ' 8.8.8.8x'])(
    'refuses the non-IP string %p',
    (value) => {
      expect(policy.refusalReason(value)).toBe(`"${value}" is not an IP address`);
    },
  );

  describe('allowedNetworks', () => {
    const loopbackAllowed = new OutboundAddressPolicy(['127.0.0.0/8']);

    it('lets addresses of a listed network through', () => {
      expect(loopbackAllowed.refusalReason('127.0.0.1')).toBeNull();
      expect(loopbackAllowed.refusalReason('127.255.0.9')).toBeNull();
    });

    it('judges an IPv6 form carrying a listed IPv4 address as that address', () => {
      expect(loopbackAllowed.refusalReason('::ffff:127.0.0.1')).toBeNull();
    });

    it('still refuses other non-public addresses', () => {
      expect(loopbackAllowed.refusalReason('10.0.0.1')).toBe('10.0.0.1 is in a private range');
      expect(loopbackAllowed.refusalReason('169.254.169.254')).toBe('169.254.169.254 is in a linkLocal range');
      expect(loopbackAllowed.refusalReason('::1')).toBe('::1 is in a loopback range');
    });

    it('still allows public addresses', () => {
      expect(loopbackAllowed.refusalReason('8.8.8.8')).toBeNull();
    });

    it('accepts IPv6 networks and several networks', () => {
      const both = new OutboundAddressPolicy(['fd00::/8', '10.1.0.0/16']);
      expect(both.refusalReason('fd12::1')).toBeNull();
      expect(both.refusalReason('10.1.2.3')).toBeNull();
      expect(both.refusalReason('10.2.0.1')).toBe('10.2.0.1 is in a private range');
      expect(both.refusalReason('fc00::1')).toBe('fc00::1 is in a uniqueLocal range');
    });

    it.each(['banana', '10.0.0.0', '10.0.0.0/33', '::1/129', '300.0.0.0/8', ''])(
      'throws on the invalid CIDR %p, naming it',
      (cidr) => {
        expect(() => new OutboundAddressPolicy(['127.0.0.0/8', cidr])).toThrow(
          `outbound.allowedNetworks: "${cidr}" is not a CIDR range`,
        );
      },
    );
  });
});
