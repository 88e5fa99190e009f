/**
 * RFC 9728 protected-resource metadata, and the `WWW-Authenticate` challenge that points to it:
 * how a remote MCP client (or any HTTP client) learns that this server takes bearer keys in the
 * Authorization header, and which scopes exist. Flowyte issues its own keys and runs no OAuth
 * authorization server, so the documents name none.
 */
import type { Hono } from 'hono';
import { cors } from 'hono/cors';
import { SECRET_KEY_SCOPES, type Scope } from '../auth/scopes.ts';
import type { AppEnv } from './authenticate.ts';

export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/** Every scope a credential can carry: a secret key's, and a publishable key's chat:public. */
const ALL_SCOPES: Scope[] = [...SECRET_KEY_SCOPES, 'chat:public'];

/** The metadata of the whole server (REST and /mcp alike), which 401 challenges name. */
export function resourceMetadataUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}${PROTECTED_RESOURCE_PATH}`;
}

/**
 * The challenge of a 401: RFC 6750 leaves `error` out when no credential was sent, and says
 * `invalid_token` for one that is not (or no longer) valid.
 */
export function bearerChallenge(publicBaseUrl: string, credentialSent: boolean): string {
  const parameters = ['realm="flowyte"', `resource_metadata="${resourceMetadataUrl(publicBaseUrl)}"`];
  if (credentialSent) parameters.push('error="invalid_token"', 'error_description="The key is unknown, revoked or expired"');
  return `Bearer ${parameters.join(', ')}`;
}

/** The RFC 9728 document for one protected resource: the server's base URL, or its /mcp endpoint. */
function metadataOf(resource: string, publicBaseUrl: string) {
  return {
    resource,
    resource_name: 'Flowyte',
    bearer_methods_supported: ['header'],
    scopes_supported: ALL_SCOPES,
    resource_documentation: `${publicBaseUrl}/docs`,
  };
}

/**
 * Serve the metadata at the server's root and, as RFC 9728 §3.1 forms it for the `/mcp` resource,
 * at the path-suffixed URL MCP clients try first. Readable from any origin: it is public.
 */
export function mountProtectedResourceMetadata(app: Hono<AppEnv>, publicBaseUrl: string): void {
  const readableAnywhere = cors({ origin: '*', allowMethods: ['GET'], maxAge: 600 });
  for (const [path, resource] of [
    [PROTECTED_RESOURCE_PATH, publicBaseUrl],
    [`${PROTECTED_RESOURCE_PATH}/mcp`, `${publicBaseUrl}/mcp`],
  ] as const) {
    app.use(path, readableAnywhere);
    app.get(path, (c) => c.json(metadataOf(resource, publicBaseUrl)));
  }
}
