/** The REST face: one route under /api/v1 per registry tool. Parse → invokeTool → envelope. */
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import { FlowyteError, toProblem, type ErrorCode } from '../errors.ts';
import { invokeTool } from '../tools/invoke.ts';
import type { Tool, ToolEvent } from '../tools/types.ts';
import { isList, type FileOutput } from '../tools/define.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './authenticate.ts';
import { fieldKinds, gatherInput } from './input.ts';
import { openaiError } from './openai-errors.ts';

/** Hono's `:param` form of a contract path such as /agents/{id}. */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** The success envelope; a list's items are `data`, and its other fields (a page's cursor, …) sit beside it. */
export function envelope(tool: Tool, data: unknown): Record<string, unknown> {
  if (isList(tool)) {
    const { items, ...beside } = data as { items: unknown[] };
    return { success: true, data: items, ...beside };
  }
  return { success: true, data };
}

/**
 * Whether this request of a streaming tool is answered with SSE. A tool that streams on request
 * does when the input says `stream: true` or the client accepts `text/event-stream`; JSON otherwise.
 */
function wantsStream(tool: Tool, input: Record<string, unknown>, accept: string | undefined): boolean {
  if (!tool.flags.streaming) return false;
  if (tool.http.sse !== 'requested') return true;
  return input.stream === true || /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept ?? '');
}

/**
 * SSE for a streaming tool. The response only opens once the tool has emitted something: a
 * failure before that (a bad id, a never-published agent) is a plain problem with its real status.
 */
async function streamTool(c: Context<AppEnv>, tool: Tool, input: Record<string, unknown>, services: Services): Promise<Response> {
  const openai = tool.http.wire === 'openai';
  const abort = new AbortController();
  const pending: ToolEvent[] = [];
  let wake: (() => void) | null = null;
  let firstEvent = () => {};
  const firstEventSeen = new Promise<void>((resolve) => (firstEvent = resolve));
  const run = invokeTool(tool, input, {
    actor: c.var.actor,
    services,
    requestId: c.var.requestId,
    signal: abort.signal,
    emit: (event) => {
      // OpenAI's stream carries only its chunks; ours carries every event.
      if (openai && event.type !== 'chunk') return;
      pending.push(event);
      firstEvent();
      wake?.();
    },
  });
  let outcome: { ok: true; data: unknown } | { ok: false; error: unknown } | null = null;
  const settled = run.then(
    (result) => void (outcome = { ok: true, data: result.data }),
    (error: unknown) => void (outcome = { ok: false, error }),
  );
  await Promise.race([firstEventSeen, settled]);
  if (pending.length === 0 && outcome && !(outcome as { ok: boolean }).ok) throw (outcome as { error: unknown }).error;
  void settled.then(() => wake?.());

  return streamSSE(c, async (stream) => {
    stream.onAbort(() => abort.abort());
    const write = (event: string, data: unknown) =>
      openai ? stream.writeSSE({ data: JSON.stringify(data) }) : stream.writeSSE({ event, data: JSON.stringify(data) });
    for (;;) {
      while (pending.length) {
        const event = pending.shift()!;
        await write(event.type, event.data);
      }
      if (outcome) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    const final = outcome as { ok: true; data: unknown } | { ok: false; error: unknown };
    if (final.ok) {
      if (openai) await stream.writeSSE({ data: '[DONE]' });
      else await write('done', final.data);
      return;
    }
    const problem = toProblem(final.error, c.req.path);
    await write('error', openai ? { error: openaiError(problem) } : problem);
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
      // The rest of the body is never read, so the connection cannot carry another request:
      // say so, and the server closes it after the answer instead of dropping it mid-exchange.
      throw new FlowyteError(code, `the body exceeds ${maxBytes} bytes`, { headers: { Connection: 'close' } });
    },
  });
  return async function limitRequestBody(c, next) {
    if (c.req.method === 'POST' || c.req.method === 'PUT' || c.req.method === 'PATCH') return limiter(c, next);
    await next();
  };
}

/** A download tool's output sent as the file itself. */
function fileResponse(file: FileOutput): Response {
  return new Response(Buffer.from(file.contentBase64, 'base64'), {
    headers: { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${file.filename.replace(/[^\w.-]/g, '_')}"` },
  });
}

/** Add one route per tool to `app`. */
export function mountTools(app: Hono<AppEnv>, tools: readonly Tool[], services: Services): void {
  for (const tool of tools) {
    // Derived on the route's first request: converting ~150 schemas up front slows every start.
    let kinds: ReturnType<typeof fieldKinds> | undefined;
    const maxBytes = tool.http.maxBodyBytes ?? services.config.maxBodyBytes;
    const bodyGuard = limitBody(maxBytes, tool.http.multipart ? 'file_too_large' : 'payload_too_large');
    app.on(tool.http.method, `/api/v1${honoPath(tool.http.path)}`, bodyGuard, async function toolRoute(c) {
      kinds ??= fieldKinds(tool);
      const input = await gatherInput(c, tool, kinds);
      if (wantsStream(tool, input, c.req.header('accept'))) return streamTool(c, tool, input, services);
      const result = await invokeTool(tool, input, { actor: c.var.actor, services, requestId: c.var.requestId });
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      if (tool.http.file) return fileResponse(result.data as FileOutput);
      const body = tool.http.wire === 'openai' ? result.data : envelope(tool, result.data);
      return c.json(body as Record<string, unknown>, tool.http.successStatus as 200);
    });
  }
}
