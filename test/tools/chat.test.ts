import { afterEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';

let platform: ChatPlatform | undefined;
afterEach(() => {
  platform?.background.stop();
  platform?.close();
  platform = undefined;
});

async function openSession(chat: ChatPlatform, fields: Record<string, unknown> = {}) {
  const response = await chat.request('POST', '/chat/sessions', { body: { agentId: chat.agentId, ...fields } });
  expect(response.status).toBe(201);
  return (await body(response)).data;
}

describe('create_chat_session', () => {
  it('answers 409 no_published_version for a never-published agent, and serves the draft with draftMode', async () => {
    platform = await createChatPlatform();
    const refused = await platform.request('POST', '/chat/sessions', { body: { agentId: platform.agentId } });
    expect(refused.status).toBe(409);
    expect((await body(refused)).code).toBe('no_published_version');

    const session = await openSession(platform, { draftMode: true });
    expect(session).toMatchObject({ draftMode: true, versionId: null, status: 'active', surface: 'session', messageCount: 1 });
    expect(session.greeting.content).toBe('Hi, this is Acme Plumbing. How can I help?');
  });

  it('pins a live session to the version published when it started', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const agent = (await body(await platform.request('GET', `/agents/${platform.agentId}`))).data;
    const session = await openSession(platform);
    expect(session.versionId).toBe(agent.publishedVersionId);
    expect(session.draftMode).toBe(false);
  });
});

describe('send_chat_message', () => {
  it('answers from the published knowledge and returns both messages with the turn\'s receipt', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    const response = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'How much does a call-out visit cost?' } });
    expect(response.status).toBe(200);
    const turn = (await body(response)).data;
    expect(turn.messages.map((message: any) => message.role)).toEqual(['user', 'assistant']);
    expect(turn.messages[1].content).toContain('95 dollars');
    expect(turn.events.map((event: any) => event.type)).toEqual(['user_utterance', 'kb_retrieval', 'agent_message']);
    expect(turn.events[1].data.hits[0].preview).toContain('95 dollars');

    const receipt = platform.services.conversations.events(platform.orgA.org.id, session.id);
    expect(receipt.map((event) => event.type)).toEqual(['conversation_started', 'agent_message', 'user_utterance', 'kb_retrieval', 'agent_message']);
    expect(receipt.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('streams token deltas, the retrieval and the reply as SSE, ending with done', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    const response = await platform.request('POST', `/chat/sessions/${session.id}/messages`, {
      body: { content: 'Which towns do you serve?', stream: true },
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = parseSse(await response.text());
    const types = frames.map((frame) => frame.event);
    expect(types[0]).toBe('user_utterance');
    expect(types).toContain('kb_retrieval');
    expect(types.filter((type) => type === 'token').length).toBeGreaterThan(1);
    expect(types.slice(-2)).toEqual(['agent_message', 'done']);
    const streamed = frames.filter((frame) => frame.event === 'token').map((frame) => frame.data.delta).join('');
    const reply = frames.at(-2)!.data.text;
    expect(streamed.trim()).toBe(reply);
    expect(reply).toContain('Springfield, Shelbyville and Capital City');
    expect(frames.at(-1)!.data.messages[1].content).toBe(reply);
  });

  it('keeps the transcript oldest first, a page at a time', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    for (const content of ['When are you open?', 'How much is a visit?']) {
      await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content } });
    }
    const first = await body(await platform.request('GET', `/chat/sessions/${session.id}/messages?limit=3`));
    expect(first.data.map((message: any) => message.role)).toEqual(['assistant', 'user', 'assistant']);
    expect(first.data[1].content).toBe('When are you open?');
    expect(first.hasMore).toBe(true);
    const second = await body(await platform.request('GET', `/chat/sessions/${session.id}/messages?limit=3&cursor=${first.nextCursor}`));
    expect(second.data.map((message: any) => message.content)[0]).toBe('How much is a visit?');
    expect(second.hasMore).toBe(false);
    const state = (await body(await platform.request('GET', `/chat/sessions/${session.id}`))).data;
    expect(state.messageCount).toBe(5);
  });

  it('meters one chat message per live reply and none for draft sessions', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const live = await openSession(platform);
    const draft = await openSession(platform, { draftMode: true });
    await platform.request('POST', `/chat/sessions/${live.id}/messages`, { body: { content: 'When are you open?' } });
    await platform.request('POST', `/chat/sessions/${live.id}/messages`, { body: { content: 'Thanks!' } });
    await platform.request('POST', `/chat/sessions/${draft.id}/messages`, { body: { content: 'When are you open?' } });
    const usage = platform.services.usage.all({ orgId: platform.orgA.org.id });
    expect(usage.map((item) => [item.conversationId, item.channel, item.kind, item.quantity])).toEqual([
      [live.id, 'chat', 'chat_message', 1],
      [live.id, 'chat', 'chat_message', 1],
    ]);
  });

  it('offers to take a message instead of inventing an answer the knowledge does not hold', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    const turn = (await body(await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Do you repair helicopters?' } }))).data;
    expect(turn.messages[1].content).toMatch(/take a message|connect you/i);
  });
});

describe('end_chat_session', () => {
  it('ends the session with an outcome, and refuses more messages with 409 session_ended', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'When are you open?' } });
    const ended = (await body(await platform.request('POST', `/chat/sessions/${session.id}/end`))).data;
    expect(ended).toMatchObject({ status: 'ended', outcome: 'contained' });
    expect(ended.endedAt).toEqual(expect.any(String));
    const again = (await body(await platform.request('POST', `/chat/sessions/${session.id}/end`))).data;
    expect(again.endedAt).toBe(ended.endedAt);
    const refused = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Hello?' } });
    expect(refused.status).toBe(409);
    expect((await body(refused)).code).toBe('session_ended');
    const streamed = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Hello?', stream: true } });
    expect(streamed.status).toBe(409);
  });

  it('ends sessions left idle longer than the configured minutes', async () => {
    let clock = new Date('2026-11-28T10:00:00Z');
    platform = await createChatPlatform({ sessionIdleMinutes: 30 }, () => clock);
    await platform.publish();
    const idle = await openSession(platform);
    clock = new Date('2026-11-28T10:20:00Z');
    const busy = await openSession(platform);
    clock = new Date('2026-11-28T10:35:00Z');
    platform.background.tick();
    const [idleNow, busyNow] = [idle, busy].map((session) => platform!.services.conversations.find(platform!.orgA.org.id, session.id)!);
    expect([idleNow.status, idleNow.outcome, busyNow.status]).toEqual(['ended', 'abandoned', 'active']);
    expect(platform.services.conversations.events(platform.orgA.org.id, idle.id).at(-1)).toMatchObject({ type: 'conversation_ended', data: { reason: 'idle_timeout' } });
  });

  it('takes no more turns once the agent is deleted', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    await platform.request('DELETE', `/agents/${platform.agentId}`);
    const response = await platform.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: 'Still there?' } });
    expect(response.status).toBe(404);
  });

  it('does not show another org\'s session', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    const session = await openSession(platform);
    const response = await platform.request('GET', `/chat/sessions/${session.id}`, { token: platform.orgB.apiKey.secret });
    expect(response.status).toBe(404);
  });
});
