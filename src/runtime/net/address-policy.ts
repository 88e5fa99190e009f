/** Which IP addresses outbound requests may reach: public unicast only (classification by ipaddr.js). */
import ipaddr from 'ipaddr.js';

/** Cloud instance-metadata endpoints, named explicitly so a refusal says what was hit. */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

const NAT64_WELL_KNOWN_PREFIX = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const IPV4_COMPATIBLE_BLOCK = ipaddr.IPv6.parseCIDR('::/96');

const RANGE_PHRASES: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  private: 'a private address',
  reserved: 'a reserved or documentation address',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  '6to4': 'a 6to4 address (2002::/16)',
  teredo: 'a Teredo address (2001::/32)',
  rfc6145: 'an IPv4-translated address (::ffff:0:0:0/96)',
  rfc6052: 'a NAT64 address',
};

function describeRange(range: string): string {
  return RANGE_PHRASES[range] ?? `a special-purpose address (${range})`;
}

/** Parses an IP literal (IPv6 with or without brackets); null when it is not one. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : null;
}

/** The embedded IPv4 of IPv4-mapped (::ffff:a.b.c.d) and well-known-prefix NAT64 (64:ff9b::a.b.c.d) addresses. */
function embeddedIpv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  if (range === 'ipv4Mapped') return address.toIPv4Address();
  if (range === 'rfc6052' && address.match(NAT64_WELL_KNOWN_PREFIX)) {
    const bytes = address.toByteArray();
    return ipaddr.fromByteArray(bytes.slice(12)) as ipaddr.IPv4;
  }
  return null;
}

/**
 * Why an outbound request must not reach this address (e.g. `127.0.0.1 is a loopback address`),
 * or null when it is public unicast. Anything the library does not call `unicast` is refused;
 * IPv4 embedded in mapped or NAT64 IPv6 is judged as the IPv4 it reaches.
 */
export function refusalReason(text: string): string | null {
  const address = parseIp(text);
  if (!address) return `${text} is not an IP address`;
  const normalized = address.toString();
  if (METADATA_ADDRESSES.has(normalized)) return `${normalized} is a cloud metadata address`;
  const range = address.range();
  if (address.kind() === 'ipv6') {
    const ipv6 = address as ipaddr.IPv6;
    const embedded = embeddedIpv4(ipv6, range);
    if (embedded) {
      const inner = refusalReason(embedded.toString());
      return inner ? `${normalized} embeds ${inner}` : null;
    }
    // ipaddr.js files the deprecated IPv4-compatible block (::a.b.c.d) under unicast.
    if (range === 'unicast' && ipv6.match(IPV4_COMPATIBLE_BLOCK)) {
      return `${normalized} is an IPv4-compatible IPv6 address (::/96)`;
    }
  }
  return range === 'unicast' ? null : `${normalized} is ${describeRange(range)}`;
}
