/**
 * The sandbox room of the in-browser voice test: a WebSocket at /talk that a talk token opens
 * (once). The browser does speech-to-text and text-to-speech itself and exchanges words here;
 * the call runs through the engine with the agent's call control on the wall clock.
 *
 * Browser → server: `{ "type": "utterance", "text": "…" }`, `{ "type": "dtmf", "digits": "12" }`,
 * `{ "type": "hangup" }`. Server → browser: `{ "type": "ready", conversationId, room }`, then every
 * receipt event and token delta as `{ type, at, data }`, and `{ "type": "error", problem }`.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import type { Services } from '../services.ts';
import { verifyToken } from '../auth/signed-token.ts';
import { FlowyteError, toProblem } from '../errors.ts';
import { Call } from '../runtime/engine/call.ts';
import type { ServedAgent } from '../runtime/engine/conversations.ts';
import type { LiveEvent } from '../runtime/engine/events.ts';
import { fieldErrors } from '../tools/invoke.ts';
import { reportUnexpected } from '../logging.ts';
import { TALK_PATH } from '../tools/agents/testing.ts';
import { lazyRequire } from '../lazy-require.ts';

const websockets = lazyRequire<typeof import('ws')>('ws');

const callerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('utterance'), text: z.string().trim().min(1).max(4000) }),
  z.object({ type: z.literal('dtmf'), digits: z.string().regex(/^[0-9*#]{1,32}$/, 'must be keypad digits 0-9, * or #') }),
  z.object({ type: z.literal('hangup') }),
]);

interface TalkClaims {
  org: string;
  agent: string;
  version: string | null;
  room: string;
}

/** Answer WebSocket upgrades on /talk for `server`; other upgrade requests are refused. */
export function attachTalkServer(server: Server, services: Services): void {
  // ws loads with the first call that opens, not at every start.
  let sockets: WebSocketServer | undefined;
  /** Rooms already opened, with their token's expiry (a talk token opens one call). */
  const usedRooms = new Map<string, number>();

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== TALK_PATH) return refuse(socket, 404, 'Not Found');
    const claims = verifyToken(services.tokenSecret, url.searchParams.get('token') ?? '', 'talk', services.now());
    const nowSeconds = services.now().getTime() / 1000;
    for (const [room, expiry] of usedRooms) if (expiry < nowSeconds) usedRooms.delete(room);
    if (!claims || usedRooms.has(String(claims.room))) return refuse(socket, 401, 'Unauthorized');
    usedRooms.set(String(claims.room), claims.exp);
    sockets ??= new (websockets().WebSocketServer)({ noServer: true, maxPayload: 64 * 1024 });
    sockets.handleUpgrade(request, socket, head, (ws) => startCall(ws, services, claims as unknown as TalkClaims));
  });
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function startCall(ws: WebSocket, services: Services, claims: TalkClaims): void {
  const send = (message: Record<string, unknown>) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
  const emit = (event: LiveEvent) => send({ type: event.type, at: event.at, data: event.data });
  // The room's failures never pass invokeTool: report faults here, answer every failure as a problem.
  const room = { path: TALK_PATH, room: claims.room, orgId: claims.org, agentId: claims.agent };
  const fail = (error: unknown, conversationId?: string) => {
    reportUnexpected(services.logger, error, { ...room, conversationId });
    send({ type: 'error', problem: toProblem(error, TALK_PATH) });
  };
  let served: ServedAgent;
  try {
    served = services.engine.serve(claims.org, claims.agent, claims.version === null);
  } catch (error) {
    // E.g. the agent was deleted, or unpublished since the token was minted.
    fail(error);
    ws.close(1011, 'the agent cannot take this call');
    return;
  }
  const call = Call.answer(services.engine, served, 'talk', emit, services.now);
  const control = served.config.agent.callControl;
  const started = Date.now();
  const tick = () => {
    call.elapsedSeconds = (Date.now() - started) / 1000;
  };
  let idleTimer: NodeJS.Timeout | undefined;
  const finish = (reason: string) => {
    clearTimeout(idleTimer);
    clearTimeout(lengthTimer);
    tick();
    try {
      call.hangUp(reason);
    } catch (error) {
      // E.g. the server is shutting down under an open call: log it, do not crash.
      reportUnexpected(services.logger, error, { ...room, conversationId: call.conversation.id, during: 'hang-up' });
    }
    if (ws.readyState === ws.OPEN) ws.close(1000, reason);
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      tick();
      call.idle();
      if (call.ended) finish('no_response');
      else armIdle();
    }, control.idleReminderSeconds * 1000);
  };
  const lengthTimer = setTimeout(() => {
    tick();
    if (call.checkLength()) finish('max_duration');
  }, control.maxDurationSeconds * 1000);

  send({ type: 'ready', conversationId: call.conversation.id, room: claims.room });
  armIdle();
  // Caller turns are answered one at a time, in the order they arrive.
  let queue = Promise.resolve();
  ws.on('message', (raw) => {
    queue = queue.then(async () => {
      if (call.ended) return;
      clearTimeout(idleTimer);
      try {
        let parsedJson: unknown;
        try {
          parsedJson = JSON.parse(String(raw));
        } catch {
          throw new FlowyteError('invalid_json', 'each message must be one JSON object');
        }
        const parsed = callerMessage.safeParse(parsedJson);
        if (!parsed.success) throw new FlowyteError('validation_error', 'not a caller message', { errors: fieldErrors(parsed.error) });
        const message = parsed.data;
        if (message.type === 'hangup') return finish('caller_hung_up');
        tick();
        await call.hear(message.type === 'dtmf' ? { dtmf: message.digits } : { text: message.text });
      } catch (error) {
        fail(error, call.conversation.id);
      }
      if (!call.ended) armIdle();
    });
  });
  ws.on('close', () => finish('caller_hung_up'));
}
