/**
 * A short-lived MCP client for an operator's Streamable HTTP endpoint: every request goes through
 * `safeFetch` (addresses vetted on every hop), one time budget covers the whole exchange, and the
 * client is closed after each use, so nothing outlives the call.
 */
import type { CallToolResult, Client, FetchLike, Tool } from '@modelcontextprotocol/client';
import { FlowyteError } from '../../errors.ts';
import { safeFetch } from '../net/safe-fetch.ts';

export interface McpEndpoint {
  url: string;
  /** The operator's request headers (an Authorization, …), sent on every request. */
  headers: Record<string, string>;
  /** Budget for the whole exchange: connecting, the request, closing. */
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  maxBytes: number;
  signal?: AbortSignal;
}

const CLIENT_INFO = { name: 'flowyte', version: '1.0.0' };
/** How much of an SDK error message (which may quote the server's reply) is kept. */
const MESSAGE_CHARS = 300;
/** Statuses whose responses cannot carry a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Every tool the server lists. */
export function listMcpTools(endpoint: McpEndpoint): Promise<Tool[]> {
  return withMcpClient(endpoint, async (client, options) => (await client.listTools(undefined, options)).tools);
}

/** One tools/call; a tool-level failure comes back as an `isError` result, not a throw. */
export function callMcpTool(endpoint: McpEndpoint, name: string, input: Record<string, unknown>): Promise<CallToolResult> {
  return withMcpClient(endpoint, (client, options) => client.callTool({ name, arguments: input }, options));
}

type RequestOptions = { signal: AbortSignal; timeout: number };

/** Connect, use, close; any failure becomes a FlowyteError (`url_not_allowed` or `fetch_failed`). */
async function withMcpClient<T>(endpoint: McpEndpoint, use: (client: Client, options: RequestOptions) => Promise<T>): Promise<T> {
  const deadline = AbortSignal.timeout(endpoint.timeoutMs);
  const signal = endpoint.signal ? AbortSignal.any([deadline, endpoint.signal]) : deadline;
  // The client SDK loads with the first MCP skill call, not with every server start.
  const { Client, SdkHttpError, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
  const transport = new StreamableHTTPClientTransport(new URL(endpoint.url), {
    requestInit: { headers: endpoint.headers },
    fetch: vettedFetch(endpoint, signal),
  });
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  const options = { signal, timeout: endpoint.timeoutMs };
  try {
    await client.connect(transport, options);
    return await use(client, options);
  } catch (error) {
    throw mcpFailure(error, endpoint.url, deadline, endpoint.timeoutMs, SdkHttpError);
  } finally {
    await client.close();
  }
}

/**
 * The transport's fetch, on `safeFetch`. Redirects are returned, not followed, so the SDK's
 * same-origin policy decides and the next hop is vetted again. The standing GET stream (for
 * server-initiated messages) is answered 405 locally: a call needs only request and response.
 */
function vettedFetch(endpoint: McpEndpoint, signal: AbortSignal): FetchLike {
  return async function mcpFetch(url, init) {
    const method = (init?.method ?? 'GET').toUpperCase();
    if (method === 'GET') return new Response(null, { status: 405 });
    if (init?.body !== undefined && init.body !== null && typeof init.body !== 'string') throw new TypeError('MCP requests carry JSON text');
    const response = await safeFetch(String(url), {
      method,
      headers: headerRecord(init?.headers),
      body: init?.body ?? undefined,
      timeoutMs: endpoint.timeoutMs,
      maxBytes: endpoint.maxBytes,
      allowPrivateNetwork: endpoint.allowPrivateNetwork,
      maxRedirects: 0,
      signal: init?.signal ? AbortSignal.any([signal, init.signal]) : signal,
    });
    const body = NULL_BODY_STATUSES.has(response.status) ? null : new Uint8Array(response.body);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

function headerRecord(headers: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  new Headers(headers).forEach((value, name) => (record[name] = value));
  return record;
}

/** The FlowyteError a failure stands for: the fetch's own refusal if there was one, else a clear `fetch_failed`. */
function mcpFailure(error: unknown, url: string, deadline: AbortSignal, timeoutMs: number, SdkHttpError: typeof import('@modelcontextprotocol/client').SdkHttpError): FlowyteError {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof FlowyteError) return cause;
  }
  const host = new URL(url).host;
  if (deadline.aborted) return new FlowyteError('fetch_failed', `The MCP server at ${host} did not answer within ${timeoutMs} ms`, { cause: error });
  const message = (error instanceof Error ? error.message : String(error)).slice(0, MESSAGE_CHARS);
  const reason = error instanceof SdkHttpError ? `answered HTTP ${error.status} (${message})` : `failed: ${message}`;
  return new FlowyteError('fetch_failed', `The MCP server at ${host} ${reason}`, { cause: error });
}
