/** The HTTP server: REST under /api/v1, MCP at /mcp, the OpenAPI document and reference page. */
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { randomUUID } from 'node:crypto';
import { FlowyteError, toProblem } from '../errors.ts';
import type { Services } from '../services.ts';
import type { Tool } from '../tools/types.ts';
import { TOOLS, checkRegistry } from '../tools/index.ts';
import { authenticate, type AppEnv } from './authenticate.ts';
import { mountTools } from './rest.ts';
import { buildOpenApi } from './openapi.ts';
import { referencePage } from './reference-page.ts';
import { mountMcp } from '../mcp/http.ts';

export interface AppOptions {
  tools?: readonly Tool[];
}

/** The one place an error becomes a response (headers already set on `c` are kept). */
function problemResponse(c: Context<AppEnv>, error: unknown): Response {
  const problem = toProblem(error, c.req.path);
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json' };
  if (error instanceof FlowyteError) Object.assign(headers, error.headers);
  return c.newResponse(JSON.stringify(problem), problem.status as 400, headers);
}

/** Build the Hono app for a set of services (and, for tests, another tool list). */
export function createApp(services: Services, options: AppOptions = {}): Hono<AppEnv> {
  const tools = options.tools ?? TOOLS;
  checkRegistry(tools);
  const app = new Hono<AppEnv>();
  const openApi = buildOpenApi(tools, services.config.publicBaseUrl);

  app.use('*', async function requestId(c, next) {
    const id = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  });

  app.onError((error, c) => {
    if (!(error instanceof FlowyteError)) services.logger.error('unhandled error', { path: c.req.path, error: String(error), stack: (error as Error).stack });
    return problemResponse(c, error);
  });
  app.notFound((c) => problemResponse(c, new FlowyteError('not_found', `no route for ${c.req.method} ${c.req.path}`)));

  app.get('/', (c) => c.json({ name: 'flowyte', api: '/api/v1', openapi: '/api/v1/openapi.json', docs: '/docs', mcp: '/mcp' }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/api/v1/openapi.json', (c) => c.json(openApi));
  app.get('/docs', (c) => c.html(referencePage('/api/v1/openapi.json')));

  const bodyLimiter = bodyLimit({
    maxSize: services.config.maxBodyBytes,
    onError: () => {
      throw new FlowyteError('payload_too_large', `the body exceeds ${services.config.maxBodyBytes} bytes`);
    },
  });
  // Only methods whose body we read; touching the body of a GET would build a full Request for nothing.
  const limitBody: MiddlewareHandler<AppEnv> = async function limitBody(c, next) {
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') return bodyLimiter(c, next);
    await next();
  };

  app.use('/api/v1/*', async function audit(c, next) {
    const started = performance.now();
    await next();
    const actor = c.get('actor');
    if (!actor) return;
    services.audit.record(actor.orgId, {
      actorType: actor.type,
      actorId: actor.id,
      via: 'rest',
      method: c.req.method,
      endpoint: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      requestId: c.var.requestId,
    });
  });
  // One authenticator, so REST and /mcp spend the same per-org and per-key budgets.
  const authenticateRequest = authenticate(services);
  app.use('/api/v1/*', limitBody, authenticateRequest);
  mountTools(app, tools, services);

  app.use('/mcp', limitBody);
  mountMcp(app, tools, services, authenticateRequest);
  return app;
}
