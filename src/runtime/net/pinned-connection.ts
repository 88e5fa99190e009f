/** Opening sockets only to addresses that were already vetted, so DNS cannot change between check and connect. */
import net from 'node:net';
import tls from 'node:tls';

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

export interface ConnectTarget {
  /** The URL's hostname without IPv6 brackets; used for TLS SNI and certificate checks. */
  hostname: string;
  port: number;
  tls: boolean;
  /** Every address the hostname resolved to, all of them already vetted. */
  addresses: VettedAddress[];
}

/** Opens the connection for one request. */
export type Dial = (target: ConnectTarget) => net.Socket;

/** A `lookup` that answers from the vetted list instead of asking DNS again. */
function pinnedLookup(addresses: VettedAddress[]): net.LookupFunction {
  return function lookupVetted(_hostname, options, callback) {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const matching = family ? addresses.filter((entry) => entry.family === family) : addresses;
    const first = matching[0];
    if (!first) {
      const error: NodeJS.ErrnoException = new Error(`no vetted IPv${family} address`);
      error.code = 'ENOTFOUND';
      callback(error, '');
    } else if (options.all) callback(null, matching);
    else callback(null, first.address, first.family);
  };
}

/**
 * The production dialer: connects by hostname but with a lookup pinned to the vetted addresses,
 * which keeps SNI, certificate checks and happy-eyeballs fallback across them.
 */
export function dialVetted(target: ConnectTarget): net.Socket {
  const connectOptions = {
    host: target.hostname,
    port: target.port,
    lookup: pinnedLookup(target.addresses),
    autoSelectFamily: target.addresses.length > 1,
  };
  if (!target.tls) return net.connect(connectOptions);
  // SNI must be a DNS name (RFC 6066); Node checks the certificate against `host` when it is absent.
  const servername = net.isIP(target.hostname) ? undefined : target.hostname;
  return tls.connect({ ...connectOptions, servername, ALPNProtocols: ['http/1.1'] });
}
