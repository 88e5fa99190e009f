/** The HTTP server: REST under /api/v1, MCP at /mcp, the OpenAPI document and reference page. */
import { Hono, type Context } from 'hono';
import { randomUUID } from 'node:crypto';
import { FlowyteError, toProblem } from '../errors.ts';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';
import { TOOLS, checkRegistry } from '../tools/index.ts';
import { authenticate, type AppEnv } from './authenticate.ts';
import { honoPath, limitBody, mountTools } from './rest.ts';
import { openaiError, openaiPathMatcher } from './openai-errors.ts';
import { cors } from 'hono/cors';
import { openApiDocument } from './openapi.ts';
import { mountReferencePage } from './reference-page.ts';
import { mountMcp } from '../mcp/http.ts';
import { mountWidgetAssets } from './widget-assets.ts';
import { mountStripeWebhook } from './stripe-webhook.ts';
import { mountOAuthCallback } from './oauth-callback.ts';
import { mountProtectedResourceMetadata } from './protected-resource.ts';
import { requestLog, routeOf } from './request-log.ts';
import { reportUnexpected } from '../logging.ts';

export interface AppOptions {
  tools?: readonly Tool[];
}

/**
 * The one place an error becomes a response (headers already set on `c` are kept): a problem
 * document. Routes in OpenAI's wire format also carry OpenAI's `error` member, as plain JSON,
 * because OpenAI clients only read error bodies of that type.
 */
function problemResponse(c: Context<AppEnv>, error: unknown, openaiWire = false): Response {
  const problem = toProblem(error, c.req.path);
  const headers: Record<string, string> = { 'Content-Type': openaiWire ? 'application/json' : 'application/problem+json' };
  if (error instanceof FlowyteError) Object.assign(headers, error.headers);
  const document = openaiWire ? { ...problem, error: openaiError(problem) } : problem;
  return c.newResponse(JSON.stringify(document), problem.status as 400, headers);
}

/** Build the Hono app for a set of services (and, for tests, another tool list). */
export function createApp(services: Services, options: AppOptions = {}): Hono<AppEnv> {
  const tools = options.tools ?? TOOLS;
  checkRegistry(tools);
  const app = new Hono<AppEnv>();
  // Built on first request: it converts every tool's schemas, which would slow every start.

  app.use('*', async function requestId(c, next) {
    const id = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  });
  app.use('*', requestLog(services));

  const isOpenaiPath = openaiPathMatcher(tools);
  app.onError((error, c) => {
    // A tool's failure was already reported by invokeTool (reportUnexpected reports one failure
    // once); this reports what fails outside a tool: a middleware, a route's own code.
    reportUnexpected(services.logger, error, { requestId: c.var.requestId, method: c.req.method, route: routeOf(c), path: c.req.path });
    return problemResponse(c, error, isOpenaiPath(c.req.path));
  });
  app.notFound((c) => problemResponse(c, new FlowyteError('not_found', `no route for ${c.req.method} ${c.req.path}`), isOpenaiPath(c.req.path)));

  app.get('/', (c) => c.json({ name: 'flowyte', api: '/api/v1', openapi: '/api/v1/openapi.json', docs: '/docs', mcp: '/mcp' }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument(tools, services.config.publicBaseUrl)));
  mountReferencePage(app, '/api/v1/openapi.json');
  mountWidgetAssets(app);
  mountStripeWebhook(app, services);
  mountOAuthCallback(app, services);
  mountProtectedResourceMetadata(app, services.config.publicBaseUrl);

  // Browser-facing operations (publishable keys) answer CORS preflights before any auth; whether
  // the Origin may use the key is decided by the key itself (checkOrigin), on the real request.
  const browserCors = cors({ origin: (origin) => origin, allowHeaders: ['Authorization', 'Content-Type'], allowMethods: ['GET', 'POST'], maxAge: 600 });
  for (const tool of tools.filter((candidate) => candidate.auth === 'publishable')) app.use(`/api/v1${honoPath(tool.http.path)}`, browserCors);

  // One authenticator, so REST and /mcp spend the same per-org and per-key budgets.
  const authenticateRequest = authenticate(services);
  app.use('/api/v1/*', authenticateRequest);
  mountTools(app, tools, services);

  // MCP carries any tool's input, so it takes the largest body any tool accepts.
  const mcpMaxBytes = Math.max(services.config.maxBodyBytes, ...tools.map((tool) => tool.http.maxBodyBytes ?? 0));
  app.use('/mcp', limitBody(mcpMaxBytes, 'payload_too_large'));
  mountMcp(app, tools, services, authenticateRequest, mcpMaxBytes);
  return app;
}
