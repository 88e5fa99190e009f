/** One access line per HTTP request, and the REST audit entry, both from one timing. */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Services } from '../services.ts';
import type { AppEnv } from './authenticate.ts';

/**
 * The route pattern that answers (or would have answered) the request, e.g. /api/v1/agents/:id:
 * the first matched route that is not a wildcard middleware. Null when no route matched (a 404).
 */
export function routeOf(c: Context<AppEnv>): string | null {
  return matchedRoutes(c).find((route) => !route.path.endsWith('*'))?.path ?? null;
}

/**
 * Time the request once, then write its access line (info; error for a 5xx) and, for REST, its
 * audit entry (MCP audits each tool call itself). Registered first so it also sees requests that
 * a middleware refused (401, 413, 429) or that no route matched.
 */
export function requestLog(services: Services): MiddlewareHandler<AppEnv> {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const { status } = c.res;
    const actor = c.get('actor') as AppEnv['Variables']['actor'] | undefined;
    if (actor && c.req.path.startsWith('/api/v1')) {
      services.audit.record(actor.orgId, {
        actorType: actor.type,
        actorId: actor.id,
        via: 'rest',
        method: c.req.method,
        endpoint: c.req.path,
        status,
        durationMs,
        requestId: c.var.requestId,
      });
    }
    const line = {
      requestId: c.var.requestId,
      method: c.req.method,
      route: routeOf(c),
      path: c.req.path,
      status,
      durationMs,
      actor: actor?.type ?? 'anonymous',
      ...(actor && { orgId: actor.orgId }),
    };
    if (status >= 500) services.logger.error('request', line);
    else services.logger.info('request', line);
  };
}
