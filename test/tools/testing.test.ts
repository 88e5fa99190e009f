import { afterEach, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform, type SseFrame } from '../chat-helpers.ts';

let platform: ChatPlatform | undefined;
afterEach(() => {
  platform?.background.stop();
  platform?.close();
  platform = undefined;
});

async function simulate(chat: ChatPlatform, fields: Record<string, unknown>): Promise<SseFrame[]> {
  const response = await chat.request('POST', `/agents/${chat.agentId}/simulate`, { body: fields });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return parseSse(await response.text());
}

const kinds = (frames: SseFrame[]) => frames.map((frame) => (frame.event === 'agent_message' ? `agent_message:${frame.data.kind}` : frame.event));

describe('simulate_agent', () => {
  it('streams one receipt event per frame against the draft, stores them, and ends with done', async () => {
    platform = await createChatPlatform();
    const frames = await simulate(platform, { mode: 'text', transcript: ['When are you open on Saturday?'] });
    expect(kinds(frames)).toEqual([
      'conversation_started', 'agent_message:greeting', 'user_utterance', 'kb_retrieval', 'agent_message:reply', 'conversation_ended', 'done',
    ]);
    expect(frames[4].data.text).toContain('Saturday from 9am to noon');
    const done = frames.at(-1)!.data;
    expect(done).toMatchObject({ mode: 'text', draftMode: true, versionId: null, turns: 1, outcome: 'contained' });
    const receipt = platform.services.conversations.events(platform.orgA.org.id, done.conversationId);
    expect(receipt.map((event) => event.type)).toEqual(frames.slice(0, -1).map((frame) => frame.event));
    expect(platform.services.usage.all({ orgId: platform.orgA.org.id })).toEqual([]);
  });

  it('answers 409 no_published_version with draftMode false on a never-published agent', async () => {
    platform = await createChatPlatform();
    const response = await platform.request('POST', `/agents/${platform.agentId}/simulate`, { body: { message: 'Hi', draftMode: false } });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('no_published_version');
  });

  it('takes keypad digits as input in voice mode, and refuses them in text mode', async () => {
    platform = await createChatPlatform();
    const frames = await simulate(platform, { mode: 'voice', transcript: [{ dtmf: '1234' }] });
    expect(frames.find((frame) => frame.event === 'user_utterance')!.data).toMatchObject({ text: '1234', dtmf: '1234' });
    const refused = await platform.request('POST', `/agents/${platform.agentId}/simulate`, { body: { mode: 'text', transcript: [{ dtmf: '1' }] } });
    expect(refused.status).toBe(400);
    expect((await body(refused)).errors[0].field).toBe('transcript.0');
  });

  it('reminds an idle caller, then ends the call when they stay silent', async () => {
    platform = await createChatPlatform();
    await platform.request('PATCH', `/agents/${platform.agentId}`, {
      body: { callControl: { idleReminderSeconds: 5, maxIdleReminders: 2, onNoResponseAction: 'end', maxDurationSeconds: 600 } },
    });
    const frames = await simulate(platform, { mode: 'voice', transcript: [{ silenceSeconds: 30 }, 'Are you there?'] });
    const control = frames.filter((frame) => frame.event === 'call_control').map((frame) => frame.data.action);
    expect(control).toEqual(['idle_reminder', 'idle_reminder', 'no_response']);
    expect(frames.some((frame) => frame.event === 'user_utterance')).toBe(false);
    expect(frames.at(-2)!.data).toMatchObject({ reason: 'no_response', outcome: 'abandoned' });
    expect(frames.at(-1)!.data.turns).toBe(0);
  });

  it('transfers a silent caller when the no-response action is transfer', async () => {
    platform = await createChatPlatform();
    await platform.request('PATCH', `/agents/${platform.agentId}`, {
      body: {
        callControl: { idleReminderSeconds: 5, maxIdleReminders: 1, onNoResponseAction: 'transfer', maxDurationSeconds: 600 },
        handoffConfig: { transferDestination: '+14155550100' },
      },
    });
    const frames = await simulate(platform, { mode: 'voice', transcript: [{ silenceSeconds: 10 }] });
    expect(frames.find((frame) => frame.event === 'handoff')!.data).toMatchObject({ destination: '+14155550100', reason: 'no_response' });
    expect(frames.at(-1)!.data.outcome).toBe('transferred');
  });

  it('ends a voice call that reaches its maximum length', async () => {
    platform = await createChatPlatform();
    await platform.request('PATCH', `/agents/${platform.agentId}`, { body: { callControl: { maxDurationSeconds: 30, idleReminderSeconds: 60 } } });
    const frames = await simulate(platform, {
      mode: 'voice',
      transcript: Array.from({ length: 10 }, (_, index) => (index % 2 ? 'How much is a visit?' : 'Which towns do you serve?')),
    });
    const limit = frames.find((frame) => frame.event === 'call_control')!;
    expect(limit.data).toMatchObject({ action: 'max_duration', limitSeconds: 30 });
    const done = frames.at(-1)!.data;
    expect(done.turns).toBeGreaterThan(0);
    expect(done.turns).toBeLessThan(10);
    expect(done.durationSeconds).toBeGreaterThanOrEqual(30);
  });

  it('meters a voice simulation of the live version by its length, and a draft one not at all', async () => {
    platform = await createChatPlatform();
    await platform.publish();
    await simulate(platform, { mode: 'voice', transcript: ['When are you open?'] });
    expect(platform.services.usage.all({ orgId: platform.orgA.org.id })).toEqual([]);
    const frames = await simulate(platform, { mode: 'voice', draftMode: false, transcript: ['When are you open?'] });
    const done = frames.at(-1)!.data;
    const usage = platform.services.usage.all({ orgId: platform.orgA.org.id });
    expect(usage.map((item) => [item.channel, item.kind, item.quantity])).toEqual([['voice', 'voice_minute', Math.ceil(done.durationSeconds / 60)]]);
  });

  it('needs a transcript or a message', async () => {
    platform = await createChatPlatform();
    const response = await platform.request('POST', `/agents/${platform.agentId}/simulate`, { body: { mode: 'text' } });
    expect(response.status).toBe(400);
  });
});

describe('create_talk_token', () => {
  it('is dashboard-only, and 409 on a never-published agent unless draftMode', async () => {
    platform = await createChatPlatform();
    const withKey = await platform.request('POST', `/agents/${platform.agentId}/talk-token`, { body: { draftMode: true } });
    expect(withKey.status).toBe(403);
    expect((await body(withKey)).code).toBe('dashboard_session_required');
    const session = platform.orgA.session.token;
    const live = await platform.request('POST', `/agents/${platform.agentId}/talk-token`, { token: session, body: {} });
    expect(live.status).toBe(409);
    const draft = await platform.request('POST', `/agents/${platform.agentId}/talk-token`, { token: session, body: { draftMode: true } });
    expect(draft.status).toBe(201);
    const credentials = (await body(draft)).data;
    expect(credentials).toMatchObject({ draftMode: true, versionId: null, url: expect.stringMatching(/^ws/), room: expect.stringMatching(/^room_/) });
    expect(credentials.token.split('.')).toHaveLength(2);
  });
});
