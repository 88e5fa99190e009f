/** MCP over Streamable HTTP at /mcp on the API server: Host and Origin checks, bearer key, both protocol eras. */
import type { Hono, MiddlewareHandler } from 'hono';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';
import type { AppEnv } from '../http/authenticate.ts';
import { parseMcpOptions } from './selection.ts';
import { assertScopedAgent } from './agent-scope.ts';
import type { McpCaller } from './server.ts';

/**
 * The MCP server SDK and the handlers over it, made on the first /mcp request. 2026-07-28 traffic
 * is served per request by the SDK's handler (elicitation there is an input-required round);
 * 2025-era traffic by sessions, which can carry a server-to-client request and its answer.
 */
async function loadMcp(tools: readonly Tool[], services: Services, maxRequestBodySize: number) {
  const [{ createMcpHandler, isLegacyRequest }, { buildMcpServer }, { McpSessions }, { rebindingCheck }] = await Promise.all([
    import('@modelcontextprotocol/server'),
    import('./server.ts'),
    import('./sessions.ts'),
    import('./dns-rebinding.ts'),
  ]);
  const build = (caller: McpCaller) => buildMcpServer({ tools, services, actor: caller.actor, options: caller.options });
  const onerror = (error: Error) => services.logger.error('mcp http error', { error: String(error) });
  const modern = createMcpHandler((context) => build(context.authInfo?.extra as unknown as McpCaller), { legacy: 'reject', onerror, maxRequestBodySize });
  const sessions = new McpSessions(build, () => services.now().getTime(), onerror, maxRequestBodySize);
  const serve = async (request: Request, caller: McpCaller): Promise<Response> => {
    // The caller rides in authInfo, per request: a session's tool calls log the request id and
    // act as the actor of the HTTP request that carries them.
    const authInfo = { token: '', clientId: caller.actor.id, scopes: [...caller.actor.scopes], extra: { ...caller } };
    if (await isLegacyRequest(request, undefined, { maxRequestBodySize })) return sessions.handle(request, caller, authInfo);
    return modern.fetch(request, { authInfo });
  };
  return { serve, rebindingRejection: rebindingCheck(services.config) };
}

/**
 * Mount /mcp; `authenticateRequest` is the same middleware (and rate-limit budget) REST uses, and
 * `maxBodyBytes` the route's body limit, which the SDK (4 MiB by default) is told too.
 */
export function mountMcp(app: Hono<AppEnv>, tools: readonly Tool[], services: Services, authenticateRequest: MiddlewareHandler<AppEnv>, maxBodyBytes: number): void {
  // The SDK loads on the first /mcp request: a server that is never asked for MCP does not pay for it.
  let mcp: ReturnType<typeof loadMcp> | undefined;

  // DNS-rebinding defence: only this server's host names, and (from a browser) allowed origins.
  app.use('/mcp', async function mcpRebinding(c, next) {
    const rejection = (await (mcp ??= loadMcp(tools, services, maxBodyBytes))).rebindingRejection(c.req.raw);
    if (rejection) throw rejection;
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
    const { serve } = await (mcp ??= loadMcp(tools, services, maxBodyBytes));
    return serve(c.req.raw, { actor, options, requestId: c.var.requestId });
  });
}
