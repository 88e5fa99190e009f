/**
 * Which IP addresses outbound requests may reach: public unicast only (classification by
 * ipaddr.js), and never a cloud metadata service, whatever FLOWYTE_ALLOW_PRIVATE_NETWORK says.
 */
import ipaddr from 'ipaddr.js';

/** Cloud instance-metadata endpoints (AWS, GCP, Azure, Oracle: 169.254.169.254; AWS IPv6; Alibaba). */
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/** Host names of metadata services (GCP, AWS, Tencent), refused before any lookup. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.tencentyun.com']);

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

/** The IPv4 an address reaches: itself, or the IPv4 embedded in a mapped or NAT64 IPv6 address. */
function reachedIpv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | null {
  if (address.kind() === 'ipv4') return address as ipaddr.IPv4;
  const ipv6 = address as ipaddr.IPv6;
  return embeddedIpv4(ipv6, ipv6.range());
}

/**
 * Why an address is a cloud metadata endpoint, or null: the known ones, and all of IPv4
 * link-local (169.254.0.0/16), where metadata and task-credential services answer.
 */
export function metadataRefusal(text: string): string | null {
  const address = parseIp(text);
  if (!address) return null;
  const normalized = address.toString();
  const ipv4 = reachedIpv4(address);
  if (METADATA_ADDRESSES.has(normalized) || (ipv4 && METADATA_ADDRESSES.has(ipv4.toString()))) return `${normalized} is a cloud metadata address`;
  if (ipv4?.range() === 'linkLocal') return `${normalized} is a link-local address (169.254.0.0/16, where cloud metadata services answer)`;
  return null;
}

/** Why a host name is a cloud metadata service's, refused whatever the switch says (before any lookup), or null. */
export function metadataHostRefusal(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return METADATA_HOSTS.has(name) ? `${name} is a cloud metadata host name` : null;
}

/** Why a host name is loopback by definition (RFC 6761 `localhost`, `*.localhost`), or null; refused unless private networks are allowed. */
export function loopbackNameRefusal(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? `${name} is a loopback name` : null;
}

/** The one rule for an address a request would reach: metadata never; the rest of non-public space unless allowed. */
export function destinationRefusal(address: string, allowPrivateNetwork: boolean): string | null {
  return metadataRefusal(address) ?? (allowPrivateNetwork ? null : refusalReason(address));
}
