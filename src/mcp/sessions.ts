/**
 * 2025-era Streamable HTTP sessions. A per-request server cannot receive the client's answer to a
 * server-to-client request (its answer arrives on a later POST), so 2025 clients get a session:
 * one SDK transport and server per `initialize`, found again by its `Mcp-Session-Id`. That is what
 * lets a destructive call elicit a confirmation on its own SSE response stream.
 */
import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport, type AuthInfo, type McpServer } from '@modelcontextprotocol/server';
import { FlowyteError } from '../errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { McpCaller } from './server.ts';

/** Sessions a credential may hold at once; opening another closes its least recently used one. */
export const MAX_SESSIONS_PER_CREDENTIAL = 32;
/** A session no request has used for this long is closed. */
export const SESSION_IDLE_MS = 30 * 60_000;

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  server: McpServer;
  owner: string;
  seenAt: number;
}

/** A session belongs to the credential that opened it: another key cannot use (or probe) its id. */
function ownerOf(actor: Actor): string {
  return `${actor.orgId}/${actor.type}/${actor.id}`;
}

export class McpSessions {
  private readonly sessions = new Map<string, Session>();

  /** `build` makes the server of a new session; `now` is the services' clock. */
  constructor(
    private readonly build: (caller: McpCaller) => McpServer,
    private readonly now: () => number,
    private readonly onerror: (error: Error) => void,
    private readonly maxRequestBodySize: number,
  ) {}

  /** Serve one 2025-era request: to its session, or (an `initialize`) opening one. */
  async handle(request: Request, caller: McpCaller, authInfo: AuthInfo): Promise<Response> {
    const sessionId = request.headers.get('mcp-session-id');
    if (sessionId) {
      const session = this.sessions.get(sessionId);
      if (!session || session.owner !== ownerOf(caller.actor)) {
        throw new FlowyteError('not_found', `MCP session ${sessionId} was not found (closed, expired or never opened): initialize a new one`);
      }
      session.seenAt = this.now();
      return session.transport.handleRequest(request, { authInfo });
    }
    return this.open(request, caller, authInfo);
  }

  private async open(request: Request, caller: McpCaller, authInfo: AuthInfo): Promise<Response> {
    await this.closeIdle();
    const owner = ownerOf(caller.actor);
    const server = this.build(caller);
    server.server.onerror = this.onerror;
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: this.maxRequestBodySize,
      onsessioninitialized: async (id) => {
        await this.makeRoomFor(owner);
        this.sessions.set(id, { transport, server, owner, seenAt: this.now() });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    await server.connect(transport);
    // The transport answers anything but an `initialize` without a session id with a 400 itself.
    const response = await transport.handleRequest(request, { authInfo });
    if (transport.sessionId === undefined) await server.close();
    return response;
  }

  private async makeRoomFor(owner: string): Promise<void> {
    const owned = [...this.sessions].filter(([, session]) => session.owner === owner).sort(([, a], [, b]) => a.seenAt - b.seenAt);
    const excess = owned.length - MAX_SESSIONS_PER_CREDENTIAL + 1;
    await Promise.all(owned.slice(0, Math.max(0, excess)).map(([id]) => this.close(id)));
  }

  private async closeIdle(): Promise<void> {
    const cutoff = this.now() - SESSION_IDLE_MS;
    await Promise.all([...this.sessions].filter(([, session]) => session.seenAt < cutoff).map(([id]) => this.close(id)));
  }

  private async close(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    this.sessions.delete(id);
    await session.server.close();
  }
}
