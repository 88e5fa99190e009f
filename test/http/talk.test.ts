import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { attachTalkServer } from '../../src/http/talk.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { captureLogs, unexpected } from '../fixtures/logs.ts';

let platform: ChatPlatform | undefined;
let server: Listening | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  platform?.background.stop();
  platform?.close();
  platform = undefined;
});

interface Room {
  messages: any[];
  socket: WebSocket;
  /** Resolve with the first message matching, waiting for it if needed. */
  next(predicate: (message: any) => boolean): Promise<any>;
  closed: Promise<number>;
}

/** The platform on a real port with the talk room attached; returns the talk token's URL. */
async function listenWithTalk(chat: ChatPlatform): Promise<string> {
  server = await listen(chat.app);
  attachTalkServer(server.server, chat.services);
  return `ws://127.0.0.1:${server.port}/talk`;
}

async function mintToken(chat: ChatPlatform, draftMode = true): Promise<{ url: string; token: string; room: string }> {
  const response = await chat.request('POST', `/agents/${chat.agentId}/talk-token`, { token: chat.orgA.session.token, body: { draftMode } });
  return (await body(response)).data;
}

function join(url: string, token: string): Promise<Room> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
    const messages: any[] = [];
    const waiters: { predicate: (message: any) => boolean; resolve: (message: any) => void }[] = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      messages.push(message);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(message)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(message);
        }
      }
    });
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.on('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        messages,
        socket,
        closed,
        next: (predicate) => {
          const seen = messages.find(predicate);
          return seen ? Promise.resolve(seen) : new Promise((done) => waiters.push({ predicate, resolve: done }));
        },
      }),
    );
  });
}

describe('the in-browser voice room (/talk)', () => {
  it('opens with a talk token, greets, answers speech and keypad input from the agent\'s knowledge, and hangs up', async () => {
    platform = await createChatPlatform();
    const url = await listenWithTalk(platform);
    const credentials = await mintToken(platform);
    expect(credentials.url).toBe(`${platform.services.config.publicBaseUrl.replace(/^http/, 'ws')}/talk`);
    const room = await join(url, credentials.token);
    const ready = await room.next((message) => message.type === 'ready');
    expect(ready.room).toBe(credentials.room);
    expect((await room.next((message) => message.type === 'agent_message')).data).toMatchObject({ kind: 'greeting' });

    room.socket.send(JSON.stringify({ type: 'utterance', text: 'When are you open on Saturday?' }));
    const answer = await room.next((message) => message.type === 'agent_message' && message.data.kind !== 'greeting');
    expect(answer.data.text).toContain('Saturday from 9am to noon');
    room.socket.send(JSON.stringify({ type: 'dtmf', digits: '42' }));
    await room.next((message) => message.type === 'user_utterance' && message.data.dtmf === '42');
    room.socket.send(JSON.stringify({ type: 'wave' }));
    expect((await room.next((message) => message.type === 'error')).problem.code).toBe('validation_error');
    room.socket.send(JSON.stringify({ type: 'hangup' }));
    expect(await room.closed).toBe(1000);

    const conversation = platform.services.conversations.find(platform.orgA.org.id, ready.conversationId)!;
    expect(conversation).toMatchObject({ channel: 'voice', surface: 'talk', draft: true, status: 'ended', outcome: 'contained' });
  });

  it('logs a fault inside the room once, with its stack, and tells the caller only the problem', async () => {
    platform = await createChatPlatform();
    const lines = captureLogs(platform.services);
    const url = await listenWithTalk(platform);
    const credentials = await mintToken(platform);
    const room = await join(url, credentials.token);
    const ready = await room.next((message) => message.type === 'ready');
    vi.spyOn(platform.services.engine, 'turn').mockRejectedValueOnce(new Error('the turn store is corrupt'));
    room.socket.send(JSON.stringify({ type: 'utterance', text: 'Hello?' }));
    const failed = await room.next((message) => message.type === 'error');
    expect(failed.problem).toMatchObject({ code: 'internal_error', instance: '/talk' });
    expect(JSON.stringify(failed)).not.toMatch(/corrupt|\n\s+at /);
    const reports = unexpected(lines);
    expect(reports).toEqual([expect.objectContaining({ path: '/talk', room: credentials.room, orgId: platform.orgA.org.id, conversationId: ready.conversationId })]);
    expect(reports[0].err.stack).toContain('the turn store is corrupt');
    room.socket.send(JSON.stringify({ type: 'hangup' }));
    expect(await room.closed).toBe(1000);
  });

  it('opens a room once, and refuses a tampered token', async () => {
    platform = await createChatPlatform();
    const url = await listenWithTalk(platform);
    const credentials = await mintToken(platform);
    await expect(join(url, `${credentials.token}x`)).rejects.toThrow('refused: 401');
    const room = await join(url, credentials.token);
    await room.next((message) => message.type === 'ready');
    await expect(join(url, credentials.token)).rejects.toThrow('refused: 401');
    room.socket.close();
    await room.closed;
  });

  it('reminds a silent caller on the wall clock and ends the call on no response', async () => {
    platform = await createChatPlatform();
    await platform.request('PATCH', `/agents/${platform.agentId}`, { body: { callControl: { idleReminderSeconds: 3, maxIdleReminders: 0 } } });
    const url = await listenWithTalk(platform);
    const room = await join(url, (await mintToken(platform)).token);
    const control = await room.next((message) => message.type === 'call_control');
    expect(control.data).toMatchObject({ action: 'no_response', then: 'end' });
    expect(await room.closed).toBe(1000);
    expect(room.messages.at(-1)).toMatchObject({ type: 'conversation_ended', data: { reason: 'no_response', outcome: 'abandoned' } });
  });
});
