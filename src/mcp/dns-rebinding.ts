/**
 * DNS-rebinding defence for /mcp: the Host must be one of this server's names, and a browser's
 * Origin one it allows. Loaded with the MCP SDK, whose validators it uses.
 */
import { localhostAllowedHostnames, validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import type { Config } from '../config.ts';
import { FlowyteError } from '../errors.ts';

/** A host name as the SDK's validators compare it: no port, IPv6 in brackets. */
function hostnameOf(hostOrUrl: string): string {
  return new URL(hostOrUrl.includes('://') ? hostOrUrl : `http://${hostOrUrl}`).hostname;
}

/**
 * Localhost names, the host of FLOWYTE_PUBLIC_URL, and the configured ones. Localhost names are
 * always allowed: a rebinding page's requests carry its own host name, never `localhost`.
 */
function ownNamesAnd(config: Config, configured: string[]): string[] {
  return [...new Set([...localhostAllowedHostnames(), hostnameOf(config.publicBaseUrl), ...configured.map(hostnameOf)])];
}

/** A checker of one request's Host and Origin: the error to answer with, or undefined. */
export function rebindingCheck(config: Config): (request: Request) => FlowyteError | undefined {
  const hosts = ownNamesAnd(config, config.mcpAllowedHosts);
  const origins = ownNamesAnd(config, config.mcpAllowedOrigins);
  return (request) => {
    // A request made in-process (app.request) has no Host header; its URL carries the host.
    const host = validateHostHeader(request.headers.get('host') ?? new URL(request.url).host, hosts);
    if (!host.ok) return new FlowyteError('host_not_allowed', `${host.message}: /mcp answers only to ${hosts.join(', ')} (FLOWYTE_MCP_ALLOWED_HOSTS adds names)`);
    const origin = validateOriginHeader(request.headers.get('origin'), origins);
    if (!origin.ok) return new FlowyteError('origin_not_allowed', `${origin.message}: /mcp accepts browser requests only from ${origins.join(', ')} (FLOWYTE_MCP_ALLOWED_ORIGINS adds origins)`);
    return undefined;
  };
}
