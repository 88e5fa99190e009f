/**
 * A scripted model server speaking OpenAI's chat-completions wire protocol on a real port, so
 * tests drive the real HTTP client (ours, the `ai` SDK's, or `openai`'s) instead of a mock.
 *
 * Usage: `const server = await startChatCompletionsServer((request) => ({ content: 'Hi' }))`,
 * point a client at `server.baseUrl` (e.g. FLOWYTE_MODEL_BASE_URL), read `server.requests`,
 * and `await server.close()` in `afterEach`/`afterAll`.
 *
 * Response bodies are typed with the official `openai` SDK's types, so the shapes are checked
 * against OpenAI's published ones at compile time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type OpenAI from 'openai';

/** One request the server received, in arrival order. */
export interface RecordedRequest {
  method: string;
  /** The URL path, e.g. '/v1/chat/completions'. */
  path: string;
  /** The Authorization header as sent ('Bearer sk-…'); undefined when absent. */
  authorization: string | undefined;
  /** The parsed JSON body (trusted to have this shape once `model` and `messages` are present). */
  body: OpenAI.ChatCompletionCreateParams;
}

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  name: string;
  /** Encoded with JSON.stringify; a string is sent verbatim (to script malformed arguments). */
  arguments: Record<string, unknown> | string;
}

/** An error envelope field set, as OpenAI sends in `{ error: … }`. */
export interface ScriptedError {
  message: string;
  type: string;
  code?: string | null;
}

/**
 * What the model answers to one request. Content is sent first, then tool calls; finish_reason is
 * 'tool_calls' when there are any, else 'stop'. A `status` of 400 or more (or an `error`) sends an
 * error envelope instead; the error defaults by status, and the status defaults to 500.
 */
export interface ScriptedReply {
  content?: string;
  toolCalls?: ScriptedToolCall[];
  /** Token counts to report; by default a rough estimate of four characters per token. */
  usage?: { promptTokens: number; completionTokens: number };
  status?: number;
  error?: ScriptedError;
}

/** Decides each reply from the request (already appended to `requests`). May be async; a throw becomes a 500. */
export type ChatScript = (request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>;

export interface ChatCompletionsServer {
  /** 'http://127.0.0.1:PORT/v1': the base URL an OpenAI client expects. */
  baseUrl: string;
  /** Every chat-completions request received, live. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';
/** How many pieces streamed text and tool-call arguments are cut into. */
const FRAGMENTS = 4;

/** Start the server on 127.0.0.1 with a free port; every reply comes from `script`. */
export async function startChatCompletionsServer(script: ChatScript): Promise<ChatCompletionsServer> {
  const requests: RecordedRequest[] = [];
  const ids = { completion: 0, toolCall: 0 };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, { message: `test server failed: ${String(error)}`, type: 'server_error' });
      else response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'POST' || path !== CHAT_COMPLETIONS_PATH) {
      sendError(response, 404, { message: `Unknown request URL: ${request.method} ${path}`, type: 'invalid_request_error', code: 'unknown_url' });
      return;
    }
    const body = parseBody(await readBody(request));
    if (typeof body === 'string') {
      sendError(response, 400, { message: body, type: 'invalid_request_error' });
      return;
    }
    const recorded: RecordedRequest = { method: request.method, path, authorization: request.headers.authorization, body };
    requests.push(recorded);
    let reply: ScriptedReply;
    try {
      reply = await script(recorded);
    } catch (error) {
      sendError(response, 500, { message: `script threw: ${error instanceof Error ? error.message : String(error)}`, type: 'server_error' });
      return;
    }
    if (reply.error || (reply.status ?? 200) >= 400) {
      const status = reply.status ?? 500;
      sendError(response, status, reply.error ?? defaultError(status));
      return;
    }
    ids.completion += 1;
    const answer: Answer = {
      id: `chatcmpl-test${ids.completion}`,
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      content: reply.content,
      toolCalls: (reply.toolCalls ?? []).map((call) => {
        ids.toolCall += 1;
        const encoded = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
        return { id: `call_test${ids.toolCall}`, name: call.name, arguments: encoded };
      }),
      usage: usageOf(body, reply),
    };
    if (body.stream === true) await sendStream(response, answer, body.stream_options?.include_usage === true);
    else sendJson(response, 200, completionOf(answer));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}

/** One reply, resolved to wire values, before it is sent whole or streamed. */
interface Answer {
  id: string;
  created: number;
  model: string;
  content: string | undefined;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage: OpenAI.CompletionUsage;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request body, or the message of the 400 it deserves. */
function parseBody(text: string): OpenAI.ChatCompletionCreateParams | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'We could not parse the JSON body of your request.';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'The request body must be a JSON object.';
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.model !== 'string') return "Missing required parameter: 'model'.";
  if (!Array.isArray(fields.messages)) return "Missing required parameter: 'messages'.";
  return parsed as OpenAI.ChatCompletionCreateParams;
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function usageOf(body: OpenAI.ChatCompletionCreateParams, reply: ScriptedReply): OpenAI.CompletionUsage {
  const completionText = (reply.content ?? '') + (reply.toolCalls ?? []).map((call) => JSON.stringify(call)).join('');
  const promptTokens = reply.usage?.promptTokens ?? estimateTokens(JSON.stringify(body.messages));
  const completionTokens = reply.usage?.completionTokens ?? estimateTokens(completionText);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

function finishReasonOf(answer: Answer): 'stop' | 'tool_calls' {
  return answer.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function completionOf(answer: Answer): OpenAI.ChatCompletion {
  const message: OpenAI.ChatCompletionMessage = { role: 'assistant', content: answer.content ?? null, refusal: null };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } }));
  }
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReasonOf(answer) }],
    usage: answer.usage,
  };
}

/** Cut text into up to `count` pieces of about equal length, never inside a code point. */
function fragments(text: string, count = FRAGMENTS): string[] {
  const codePoints = Array.from(text);
  const size = Math.max(1, Math.ceil(codePoints.length / count));
  const pieces: string[] = [];
  for (let at = 0; at < codePoints.length; at += size) pieces.push(codePoints.slice(at, at + size).join(''));
  return pieces;
}

/** The chunks OpenAI would stream for this answer: role, text deltas, tool calls piecewise, finish, usage. */
function chunksOf(answer: Answer, includeUsage: boolean): OpenAI.ChatCompletionChunk[] {
  const chunk = (delta: OpenAI.ChatCompletionChunk.Choice.Delta, finishReason: 'stop' | 'tool_calls' | null = null): OpenAI.ChatCompletionChunk => ({
    id: answer.id,
    object: 'chat.completion.chunk',
    created: answer.created,
    model: answer.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With include_usage every chunk carries `usage: null` until the final one.
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks = [chunk({ role: 'assistant', content: answer.toolCalls.length > 0 && !answer.content ? null : '', refusal: null })];
  for (const piece of fragments(answer.content ?? '')) chunks.push(chunk({ content: piece }));
  answer.toolCalls.forEach((call, index) => {
    // The id, type and name come once, with empty arguments; the arguments follow in fragments.
    chunks.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const piece of fragments(call.arguments)) chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  chunks.push(chunk({}, finishReasonOf(answer)));
  if (includeUsage) {
    chunks.push({ id: answer.id, object: 'chat.completion.chunk', created: answer.created, model: answer.model, choices: [], usage: answer.usage });
  }
  return chunks;
}

async function sendStream(response: ServerResponse, answer: Answer, includeUsage: boolean): Promise<void> {
  response.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const events = [...chunksOf(answer, includeUsage).map((chunk) => JSON.stringify(chunk)), '[DONE]'];
  for (const event of events) {
    if (response.destroyed) return;
    // Each event goes out in two writes split mid-bytes (possibly mid-character), as TCP may
    // deliver it: a client has to buffer lines and decode UTF-8 across reads.
    const bytes = Buffer.from(`data: ${event}\n\n`, 'utf8');
    const middle = Math.floor(bytes.length / 2);
    response.write(bytes.subarray(0, middle));
    await new Promise((resolve) => setImmediate(resolve));
    response.write(bytes.subarray(middle));
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
function sendError(response: ServerResponse, status: number, error: ScriptedError): void {
  const envelope: { error: OpenAI.ErrorObject } = { error: { message: error.message, type: error.type, param: null, code: error.code ?? null } };
  sendJson(response, status, envelope);
}

/** The error OpenAI sends for a status, when the script gives only the status. */
function defaultError(status: number): ScriptedError {
  if (status === 401) return { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 429) return { message: 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { message: 'The server had an error while processing your request.', type: 'server_error' };
  return { message: `Request failed with status ${status}.`, type: 'invalid_request_error' };
}
