/** MCP over Streamable HTTP at /mcp on the API server: bearer key, Origin check, a server per request. */
import type { Hono, MiddlewareHandler } from 'hono';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';
import type { AppEnv } from '../http/authenticate.ts';
import { parseMcpOptions } from './selection.ts';
import { assertScopedAgent } from './agent-scope.ts';
import type { Actor } from '../auth/actor.ts';

/** The MCP server SDK and the handler over it, made on the first /mcp request. */
async function loadMcp(tools: readonly Tool[], services: Services, configuredOrigins: string[]) {
  const [{ createMcpHandler, localhostAllowedOrigins, originValidationResponse }, { buildMcpServer }] = await Promise.all([
    import('@modelcontextprotocol/server'),
    import('./server.ts'),
  ]);
  const allowedOrigins = [...localhostAllowedOrigins(), ...configuredOrigins];
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
  return { handler, originRejection: (request: Request) => originValidationResponse(request, allowedOrigins) };
}

/** Mount /mcp; `authenticateRequest` is the same middleware (and rate-limit budget) REST uses. */
export function mountMcp(app: Hono<AppEnv>, tools: readonly Tool[], services: Services, authenticateRequest: MiddlewareHandler<AppEnv>): void {
  // The SDK loads on the first /mcp request: a server that is never asked for MCP does not pay for it.
  let mcp: ReturnType<typeof loadMcp> | undefined;
  const configuredOrigins = services.config.mcpAllowedOrigins.map((origin) => new URL(origin).hostname);

  // DNS-rebinding defence: a browser page may only reach /mcp from an allowed origin.
  app.use('/mcp', async function mcpOrigin(c, next) {
    const rejected = (await (mcp ??= loadMcp(tools, services, configuredOrigins))).originRejection(c.req.raw);
    if (rejected) return rejected;
    await next();
  });
  app.use('/mcp', authenticateRequest);
  app.all('/mcp', async function mcpRoute(c) {
    const options = parseMcpOptions(
      {
        toolsets: c.req.query('toolsets'),
        tools: c.req.query('tools'),
        readonly: c.req.query('readonly'),
        profile: c.req.query('profile'),
        agent: c.req.query('agent'),
      },
      tools,
    );
    const actor = c.var.actor;
    if (options.agentId) assertScopedAgent(services, actor, options.agentId);
    const { handler } = await (mcp ??= loadMcp(tools, services, configuredOrigins));
    return handler.fetch(c.req.raw, { authInfo: { token: '', clientId: actor.id, scopes: [...actor.scopes], extra: { actor, options, requestId: c.var.requestId } } });
  });
}
