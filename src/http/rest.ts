/** The REST face: one route under /api/v1 per registry tool. Parse → invokeTool → envelope. */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { FlowyteError, toProblem, type ErrorCode } from '../errors.ts';
import { invokeTool } from '../tools/invoke.ts';
import type { Tool } from '../tools/types.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './authenticate.ts';
import { fieldKinds, gatherInput } from './input.ts';

/** Hono's `:param` form of a contract path such as /agents/{id}. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The success envelope; paginated tools put their items in `data` beside the cursor. */
export function envelope(tool: Tool, data: unknown): Record<string, unknown> {
  if (tool.flags.paginated) {
    const page = data as { items: unknown[]; nextCursor: string | null; hasMore: boolean };
    return { success: true, data: page.items, nextCursor: page.nextCursor, hasMore: page.hasMore };
  }
  return { success: true, data };
}

function streamTool(c: Context<AppEnv>, tool: Tool, input: Record<string, unknown>, services: Services): Response {
  return streamSSE(c, async (stream) => {
    const abort = new AbortController();
    stream.onAbort(() => abort.abort());
    const write = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) });
    try {
      const result = await invokeTool(tool, input, {
        actor: c.var.actor,
        services,
        requestId: c.var.requestId,
        signal: abort.signal,
        emit: (event) => void write(event.type, event.data),
      });
      await write('done', result.data);
    } catch (error) {
      await write('error', toProblem(error, c.req.path));
    }
  });
}

/**
 * Refuse bodies over `maxBytes` with a 413. Only for methods whose body is read: touching the body
 * of a GET would build a full Request for nothing.
 */
export function limitBody(maxBytes: number, code: ErrorCode): MiddlewareHandler<AppEnv> {
  const limiter = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new FlowyteError(code, `the body exceeds ${maxBytes} bytes`);
    },
  });
  return async function limitRequestBody(c, next) {
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') return limiter(c, next);
    await next();
  };
}

/** Add one route per tool to `app`. */
export function mountTools(app: Hono<AppEnv>, tools: readonly Tool[], services: Services): void {
  for (const tool of tools) {
    const kinds = fieldKinds(tool);
    const maxBytes = tool.http.maxBodyBytes ?? services.config.maxBodyBytes;
    const bodyGuard = limitBody(maxBytes, tool.http.multipart ? 'file_too_large' : 'payload_too_large');
    app.on(tool.http.method, `/api/v1${honoPath(tool.http.path)}`, bodyGuard, async function toolRoute(c) {
      const input = await gatherInput(c, tool, kinds);
      if (tool.flags.streaming) return streamTool(c, tool, input, services);
      const result = await invokeTool(tool, input, { actor: c.var.actor, services, requestId: c.var.requestId });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(envelope(tool, result.data), tool.http.successStatus as 200);
    });
  }
}
