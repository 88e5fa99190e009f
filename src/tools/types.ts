/** What a tool is: data plus one `execute`. Tools never import a transport (Hono, MCP SDK). */
import type { z } from 'zod';
import type { Scope } from '../auth/scopes.ts';
import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import type { Org } from '../store/credentials.ts';
import type { Operation } from '../store/idempotency.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a tool: `secret` (secret key or dashboard session), `session` (dashboard only),
 * `publishable` (browser widget key + allowed Origin), `any` (any authenticated caller).
 */
export type AuthKind = 'secret' | 'session' | 'publishable' | 'any';

export interface ToolFlags {
  readOnly?: boolean;
  destructive?: boolean;
  idempotent?: boolean;
  openWorld?: boolean;
  /** Emits events as it works (SSE on REST, progress notifications on MCP). */
  streaming?: boolean;
  /** In the contract but not open yet: answers 403 operation_reserved. */
  reserved?: boolean;
  /** Output is `{ items, nextCursor, hasMore }`; input takes `cursor` and `limit`. A paginated tool is a list. */
  paginated?: boolean;
  /**
   * Output is a list: `{ items, …fields about the list }` (see `listOf`). REST answers
   * `data: items` with the other fields beside `data`, as it does `nextCursor` for a page.
   */
  list?: boolean;
  /** Accepts an Idempotency-Key (REST header, `idempotencyKey` argument on MCP). */
  idempotencyKey?: boolean;
  /** Honours If-Match (REST header, `ifMatch` argument on MCP). */
  ifMatch?: boolean;
}

/** One event a streaming tool emits while it works. */
export interface ToolEvent {
  type: string;
  data: Record<string, unknown>;
  /** A live-only delta (a token of a reply): streamed, but not kept among a result's events. */
  transient?: boolean;
}

export interface ToolContext {
  org: Org;
  actor: Actor;
  services: Services;
  requestId: string;
  signal: AbortSignal;
  /** Stream an event to the caller (no-op for callers that do not listen). */
  emit(event: ToolEvent): void;
  /** Signed, org-bound cursor encoding for paginated tools. */
  cursors: { encode(position: string): string; decode(cursor: string): string };
  /** Set when the call carries an Idempotency-Key (tools with the idempotencyKey flag). */
  operation?: Operation;
}

export interface HttpSpec {
  method: HttpMethod;
  path: string;
  successStatus?: number;
  /** Largest request body this route accepts (default: the configured limit). */
  maxBodyBytes?: number;
  /** Also accepts multipart/form-data: a `file` part becomes filename, contentType and contentBase64. */
  multipart?: boolean;
  /** The input field a bare JSON array body fills (for contracts that PUT a whole list). */
  arrayBody?: string;
  /** Streaming tools: answer with SSE always (default), or only when the input says `stream: true`. */
  sse?: 'always' | 'requested';
  /**
   * `openai`: OpenAI's wire format instead of ours: the body is the bare output (no envelope), and
   * SSE is `data:` lines of the `chunk` events, ending `data: [DONE]`.
   */
  wire?: 'flowyte' | 'openai';
  /**
   * A download: the output is `{ filename, contentType, contentBase64 }` (see `fileOutput`), which
   * REST answers as the file itself, with this content type; MCP gets the object.
   */
  file?: { contentType: string };
}

export interface ToolSpec<I extends z.ZodObject, O extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  http: HttpSpec;
  scope?: Scope;
  auth?: AuthKind;
  toolset: string;
  input: I;
  output: O;
  flags?: ToolFlags;
  /**
   * Output fields holding text that outsiders wrote (crawled pages, callers, visitors), e.g.
   * `content` or `messages[].content`; for list tools, relative to each item (`text`). MCP fences them
   * as untrusted data.
   */
  untrusted?: string[];
  execute(input: z.output<I>, context: ToolContext): Promise<z.input<O>>;
}

/** A registered tool, with its types erased so that every face can walk one list. */
export interface Tool {
  name: string;
  title: string;
  description: string;
  http: HttpSpec & { successStatus: number };
  scope?: Scope;
  auth: AuthKind;
  toolset: string;
  input: z.ZodObject;
  output: z.ZodObject;
  flags: ToolFlags;
  untrusted: string[];
  /** Path parameters, in the order they appear in `http.path`. */
  pathParams: string[];
  /** Only ever called by invokeTool with input that `input` has already parsed. */
  execute(input: Record<string, unknown>, context: ToolContext): Promise<unknown>;
}
