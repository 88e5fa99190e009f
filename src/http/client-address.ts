/**
 * The address a request came from, for limits per source: the socket's peer address, or — when
 * that peer is a reverse proxy listed in FLOWYTE_TRUSTED_PROXIES — the nearest X-Forwarded-For
 * hop that is not itself a trusted proxy. Forwarded headers from anyone else are ignored.
 */
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** Parse FLOWYTE_TRUSTED_PROXIES entries (addresses or CIDR ranges); throws on one that is neither. */
export function parseTrustedProxies(entries: readonly string[]): Range[] {
  return entries.map((entry) => {
    if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
    if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    }
    throw new Error(`FLOWYTE_TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range`);
  });
}

/** An address as one key: IPv4-mapped IPv6 as the IPv4 it is; anything unparsable as written. */
function normalize(text: string): string {
  return ipaddr.isValid(text) ? ipaddr.process(text).toString() : text;
}

function trusted(address: string, proxies: Range[]): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return proxies.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/** The request's source address, or null when it has no socket (an in-process `app.request`). */
export function clientAddress(c: Context, proxies: Range[]): string | null {
  const bindings = c.env as { incoming?: IncomingMessage; server?: { incoming?: IncomingMessage } } | undefined;
  if (!(bindings?.server ?? bindings)?.incoming?.socket) return null;
  const peer = getConnInfo(c).remote.address;
  if (!peer) return null;
  let address = normalize(peer);
  if (!trusted(address, proxies)) return address;
  const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((hop) => hop.trim()).filter(Boolean);
  for (const hop of hops.reverse()) {
    address = normalize(hop);
    if (!trusted(address, proxies)) return address;
  }
  return address;
}
