/** MCP over Streamable HTTP at /mcp on the API server: bearer key, Origin check, a server per request. */
import type { Hono, MiddlewareHandler } from 'hono';
import { createMcpHandler, localhostAllowedOrigins, originValidationResponse } from '@modelcontextprotocol/server';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';
import type { AppEnv } from '../http/authenticate.ts';
import { buildMcpServer } from './server.ts';
import { parseMcpOptions } from './selection.ts';
import type { Actor } from '../auth/actor.ts';

/** Mount /mcp; `authenticateRequest` is the same middleware (and rate-limit budget) REST uses. */
export function mountMcp(app: Hono<AppEnv>, tools: readonly Tool[], services: Services, authenticateRequest: MiddlewareHandler<AppEnv>): void {
  const allowedOrigins = [...localhostAllowedOrigins(), ...services.config.mcpAllowedOrigins.map((origin) => new URL(origin).hostname)];
  const handler = createMcpHandler(
    (context) => {
      const extra = context.authInfo?.extra as { actor: Actor; options: ReturnType<typeof parseMcpOptions>; requestId: string };
      return buildMcpServer({
        tools,
        services,
        actor: extra.actor,
        options: extra.options,
        elicitationPossible: context.era !== 'legacy',
        requestId: extra.requestId,
      });
    },
    { onerror: (error) => services.logger.error('mcp http error', { error: String(error) }) },
  );

  // DNS-rebinding defence: a browser page may only reach /mcp from an allowed origin.
  app.use('/mcp', async function mcpOrigin(c, next) {
    const rejected = originValidationResponse(c.req.raw, allowedOrigins);
    if (rejected) return rejected;
    await next();
  });
  app.use('/mcp', authenticateRequest);
  app.all('/mcp', async function mcpRoute(c) {
    const options = parseMcpOptions({
      toolsets: c.req.query('toolsets'),
      readonly: c.req.query('readonly'),
      profile: c.req.query('profile'),
    });
    const actor = c.var.actor;
    return handler.fetch(c.req.raw, { authInfo: { token: '', clientId: actor.id, scopes: [...actor.scopes], extra: { actor, options, requestId: c.var.requestId } } });
  });
}
