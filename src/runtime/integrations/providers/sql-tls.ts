/** TLS settings from an sslmode, and the transport failures (network, TLS) both engines share. */
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { ErrorDescription, SqlTarget } from './sql-engine.ts';

/**
 * Node TLS options for the target. require: encrypted but unchecked; verify-ca: chain checked
 * against ca_pem (or the system roots); verify-full: the certificate must also name the host.
 */
export function tlsOptions(target: SqlTarget): ConnectionOptions {
  const { sslmode, ca_pem: caPem } = target.credentials;
  if (sslmode === 'require') return { rejectUnauthorized: false };
  return {
    rejectUnauthorized: true,
    ca: caPem ? [caPem] : undefined,
    // SNI and the name check use the host as given, while the socket goes to the vetted address.
    servername: net.isIP(target.hostname) ? undefined : target.hostname,
    ...(sslmode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** A network or TLS failure, described; null for anything else (an error of the database itself). */
export function describeTransportError(error: unknown): ErrorDescription | null {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  const text = message ?? '';
  if (code && NETWORK_CODES.has(code)) return { kind: 'network', message: `the server could not be reached (${code})` };
  if (/timeout|timed out/i.test(text) && !/statement|query/i.test(text)) return { kind: 'network', message: 'the server did not answer in time' };
  if (/does not support (SSL|secure)|SSL connection|secure connection/i.test(text) || code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return { kind: 'tls', message: 'the server does not offer TLS, and unencrypted connections are refused' };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'tls', message: 'the server certificate is not issued for this host (verify-full)' };
  if (code && (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return { kind: 'tls', message: `the server certificate was not accepted (${code}); pass ca_pem for a private CA` };
  }
  // mysql2 wraps the handshake's failure, keeping Node's sentence about the certificate.
  if (code === 'HANDSHAKE_SSL_ERROR') return { kind: 'tls', message: `the TLS handshake failed (${text}); pass ca_pem for a private CA` };
  if (code === 'EPROTO') return { kind: 'tls', message: 'the TLS handshake failed' };
  return null;
}
