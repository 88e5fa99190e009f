/**
 * Observe's conversation history: conversations run through the engine (chat sessions over REST,
 * voice and text simulations) settle an outcome, a summary and a sentiment when they end, and the
 * observe tools list, search, filter and open them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';

const TRANSFER_TO = '+14155550100';
const GREETING = 'Hi, this is Acme Plumbing. How can I help?';
const HOURS = 'Acme Plumbing is open Monday to Friday from 8am to 6pm, and Saturday from 9am to noon.';
const FALLBACK = "I'm sorry, I don't have that information. I can take a message or connect you with someone who can help.";

let platform: ChatPlatform;
let clock = new Date('2026-03-01T00:00:00Z');
/** Conversation ids by what happened in them. */
const ids: Record<string, string> = {};
let otherAgentId = '';

const setClock = (iso: string) => (clock = new Date(iso));
const tick = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));

async function call(method: string, path: string, options: { body?: unknown; token?: string } = {}) {
  const response = await platform.request(method, path, options);
  return { status: response.status, json: await body(response) };
}

async function data(path: string, token?: string) {
  const { status, json } = await call('GET', path, { token });
  if (status !== 200) throw new Error(`GET ${path} → ${status} ${JSON.stringify(json)}`);
  return json;
}

/** A REST chat session: opened at `at`, a message every 30 seconds, ended `endAfter` seconds after it opened. */
async function chat(at: string, contents: string[], options: { endAfter?: number; draftMode?: boolean; agentId?: string } = {}): Promise<string> {
  setClock(at);
  const session = (await call('POST', '/chat/sessions', { body: { agentId: options.agentId ?? platform.agentId, draftMode: options.draftMode ?? false } })).json.data;
  for (const content of contents) {
    tick(30);
    await call('POST', `/chat/sessions/${session.id}/messages`, { body: { content } });
  }
  setClock(new Date(Date.parse(at) + (options.endAfter ?? 60) * 1000).toISOString());
  const ended = await call('POST', `/chat/sessions/${session.id}/end`);
  expect(ended.status).toBe(200);
  return session.id;
}

/** A simulation of the draft (a test conversation); its conversation id. */
async function simulate(at: string, mode: 'text' | 'voice', transcript: unknown[]): Promise<string> {
  setClock(at);
  const response = await platform.request('POST', `/agents/${platform.agentId}/simulate`, { body: { mode, transcript } });
  return parseSse(await response.text()).at(-1)!.data.conversationId;
}

const idsOf = (page: { data: { id: string }[] }) => page.data.map((row) => row.id);

beforeAll(async () => {
  platform = await createChatPlatform({}, () => clock);
  await platform.request('PATCH', `/agents/${platform.agentId}`, {
    body: { handoffConfig: { transferDestination: TRANSFER_TO }, callControl: { idleReminderSeconds: 5, maxIdleReminders: 1, onNoResponseAction: 'end', maxDurationSeconds: 600 } },
  });
  await platform.publish();

  ids.happy = await chat('2026-03-02T10:00:00Z', ['When are you open on Saturday?', 'Perfect, thanks!'], { endAfter: 120 });
  ids.neutral = await chat('2026-03-03T09:00:00Z', ['How much is a call-out visit?'], { endAfter: 45 });
  ids.negative = await chat('2026-03-04T09:00:00Z', ['Your prices are awful: how much is a call-out visit?']);
  ids.angry = await chat('2026-03-05T09:00:00Z', ['Do you repair helicopters?', 'Do you fix boats?', 'This is ridiculous, you are useless.']);
  ids.grumbling = await chat('2026-03-05T15:00:00Z', ['Do you repair helicopters?', 'Do you fix boats?', 'Not helpful at all']);
  ids.transferred = await chat('2026-03-06T09:00:00Z', ['I want to talk to a person']);
  ids.silent = await chat('2026-03-07T09:00:00Z', []);
  ids.draftChat = await chat('2026-03-07T10:00:00Z', ['When are you open on Saturday?'], { draftMode: true });

  // One real reply among fallbacks is enough to be contained.
  ids.mixed = await simulate('2026-03-08T08:00:00Z', 'text', ['Do you repair helicopters?', 'When are you open on Saturday?']);
  ids.voiceAnswered = await simulate('2026-03-08T09:00:00Z', 'voice', ['When are you open on Saturday?']);
  ids.voiceSilent = await simulate('2026-03-08T10:00:00Z', 'voice', [{ silenceSeconds: 20 }]);
  await platform.request('PATCH', `/agents/${platform.agentId}`, { body: { greeting: '' } });
  ids.voiceMissed = await simulate('2026-03-08T11:00:00Z', 'voice', [{ silenceSeconds: 3 }]);
  await platform.request('PATCH', `/agents/${platform.agentId}`, {
    body: { callControl: { idleReminderSeconds: 5, maxIdleReminders: 1, onNoResponseAction: 'transfer', maxDurationSeconds: 600 } },
  });
  ids.voiceTransferred = await simulate('2026-03-08T12:00:00Z', 'voice', [{ silenceSeconds: 10 }]);

  setClock('2026-03-09T09:00:00Z');
  otherAgentId = (await call('POST', '/agents', { body: { name: 'Night line', greeting: 'Night line, hello.' } })).json.data.id;
  await platform.publish(otherAgentId);
  ids.other = await chat('2026-03-09T09:00:00Z', ['Are you open tonight?'], { agentId: otherAgentId });
});

afterAll(() => {
  void platform.background.stop();
  platform.close();
});

/** Every non-test conversation of org A, newest first. */
const TRAFFIC = ['other', 'silent', 'transferred', 'grumbling', 'angry', 'negative', 'neutral', 'happy'];

describe('settling a conversation when it ends', () => {
  it('stores the outcome each rule gives, the same as the conversation_ended event says', async () => {
    const outcomes = Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await data(`/conversations/${id}`)).data.outcome])),
    );
    expect(outcomes).toEqual({
      happy: 'contained',
      neutral: 'contained',
      negative: 'contained',
      angry: 'answered',
      grumbling: 'answered',
      transferred: 'transferred',
      silent: 'abandoned',
      draftChat: 'contained',
      mixed: 'contained',
      voiceAnswered: 'contained',
      voiceSilent: 'abandoned',
      voiceMissed: 'missed',
      voiceTransferred: 'transferred',
      other: 'answered',
    });
    for (const [name, id] of Object.entries(ids)) {
      const receipt = (await data(`/conversations/${id}/receipt`)).data;
      expect(receipt.at(-1), name).toMatchObject({ type: 'conversation_ended', data: { outcome: outcomes[name] } });
    }
  });

  it('writes a one-line extractive summary: the first real request and what happened', async () => {
    const summaries = Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await data(`/conversations/${id}`)).data.summary])),
    );
    expect(summaries).toEqual({
      happy: 'Asked "When are you open on Saturday?"; answered from knowledge.',
      neutral: 'Asked "How much is a call-out visit?"; answered from knowledge.',
      negative: 'Asked "Your prices are awful: how much is a call-out visit?"; answered from knowledge.',
      angry: 'Asked "Do you repair helicopters?"; the agent could not answer.',
      grumbling: 'Asked "Do you repair helicopters?"; the agent could not answer.',
      transferred: `Asked "I want to talk to a person"; transferred to ${TRANSFER_TO}.`,
      silent: 'Abandoned: the person never wrote.',
      draftChat: 'Asked "When are you open on Saturday?"; answered from knowledge.',
      mixed: 'Asked "Do you repair helicopters?"; answered from knowledge.',
      voiceAnswered: 'Asked "When are you open on Saturday?"; answered from knowledge.',
      voiceSilent: 'Abandoned: the caller never spoke.',
      voiceMissed: 'Missed: the call ended before the agent engaged.',
      voiceTransferred: `The caller said nothing; transferred to ${TRANSFER_TO} after no response.`,
      other: 'Asked "Are you open tonight?"; the agent could not answer.',
    });
  });

  it('labels sentiment from the person\'s words: positive, neutral, negative, frustrated', async () => {
    const sentiments = Object.fromEntries(
      await Promise.all(Object.entries(ids).map(async ([name, id]) => [name, (await data(`/conversations/${id}`)).data.sentiment])),
    );
    expect(sentiments).toEqual({
      happy: 'positive', // "Perfect, thanks!" scores +5
      neutral: 'neutral',
      negative: 'negative', // "awful" scores -3
      angry: 'frustrated', // "ridiculous … useless" scores -5 in one message
      grumbling: 'frustrated', // "Not helpful at all" (-2) after two fallbacks
      transferred: 'neutral',
      silent: 'neutral',
      draftChat: 'neutral',
      mixed: 'neutral',
      voiceAnswered: 'neutral',
      voiceSilent: 'neutral',
      voiceMissed: 'neutral',
      voiceTransferred: 'neutral',
      other: 'neutral',
    });
  });

  it('keeps the length: the wall clock for chat, the line\'s own clock for a call', async () => {
    const happy = (await data(`/conversations/${ids.happy}`)).data;
    expect(happy).toMatchObject({ startedAt: '2026-03-02T10:00:00.000Z', endedAt: '2026-03-02T10:02:00.000Z', durationSeconds: 120, messageCount: 5 });
    expect((await data(`/conversations/${ids.neutral}`)).data.durationSeconds).toBe(45);
    // Greeting 8 words (4 s), question 6 words (3 s), answer 16 words (7 s) at 2.5 words a second.
    expect((await data(`/conversations/${ids.voiceAnswered}`)).data.durationSeconds).toBe(14);
    expect((await data(`/conversations/${ids.voiceMissed}`)).data.durationSeconds).toBe(3);
  });
});

describe('list_conversations', () => {
  it('lists traffic newest first with the settled fields, tests left out', async () => {
    const page = await data('/conversations?limit=100');
    expect(idsOf(page)).toEqual(TRAFFIC.map((name) => ids[name]));
    expect(page).toMatchObject({ hasMore: false, nextCursor: null });
    expect(page.data.find((row: { id: string }) => row.id === ids.happy)).toEqual({
      id: ids.happy,
      agentId: platform.agentId,
      channel: 'chat',
      surface: 'session',
      status: 'ended',
      outcome: 'contained',
      summary: 'Asked "When are you open on Saturday?"; answered from knowledge.',
      topic: null,
      sentiment: 'positive',
      test: false,
      startedAt: '2026-03-02T10:00:00.000Z',
      endedAt: '2026-03-02T10:02:00.000Z',
      durationSeconds: 120,
      messageCount: 5,
    });
  });

  it('includes simulations and draftMode sessions with includeTests', async () => {
    const page = await data('/conversations?includeTests=true&limit=100');
    const tests = ['voiceTransferred', 'voiceMissed', 'voiceSilent', 'voiceAnswered', 'mixed', 'draftChat'];
    expect(idsOf(page)).toEqual(['other', ...tests, ...TRAFFIC.slice(1)].map((name) => ids[name]));
    expect(page.data.filter((row: { test: boolean }) => row.test).map((row: { surface: string }) => row.surface)).toEqual(['simulate', 'simulate', 'simulate', 'simulate', 'simulate', 'session']);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await data(`/conversations?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...idsOf(page));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(TRAFFIC.map((name) => ids[name]));
  });

  it('finds words of a transcript with q, in any form', async () => {
    expect(idsOf(await data('/conversations?q=helicopter'))).toEqual([ids.grumbling, ids.angry]);
    expect(idsOf(await data('/conversations?q=open%20saturday&includeTests=true'))).toEqual([ids.voiceAnswered, ids.mixed, ids.draftChat, ids.happy]);
    expect(idsOf(await data('/conversations?q=useless%20boats'))).toEqual([ids.angry]);
  });

  it('finds words of a summary with q', async () => {
    expect(idsOf(await data('/conversations?q=transferred'))).toEqual([ids.transferred]);
    expect(idsOf(await data('/conversations?q=knowledge'))).toEqual([ids.negative, ids.neutral, ids.happy]);
    expect(idsOf(await data('/conversations?q=abandoned&includeTests=true'))).toEqual([ids.voiceSilent, ids.silent]);
  });

  it('reads FTS syntax in q as plain words, and refuses a q without words', async () => {
    expect(idsOf(await data(`/conversations?q=${encodeURIComponent('"helicopters* ^boats:')}`))).toEqual([ids.grumbling, ids.angry]);
    const refused = await call('GET', `/conversations?q=${encodeURIComponent('?!')}`);
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: 'validation_error', errors: [{ field: 'q' }] });
  });

  it('filters by outcome, channel, agent and start time', async () => {
    expect(idsOf(await data('/conversations?outcome=answered'))).toEqual([ids.other, ids.grumbling, ids.angry]);
    expect(idsOf(await data('/conversations?outcome=missed&includeTests=true'))).toEqual([ids.voiceMissed]);
    expect(idsOf(await data('/conversations?channel=voice'))).toEqual([]);
    expect(idsOf(await data('/conversations?channel=voice&includeTests=true'))).toEqual([ids.voiceTransferred, ids.voiceMissed, ids.voiceSilent, ids.voiceAnswered]);
    expect(idsOf(await data(`/conversations?agentId=${otherAgentId}`))).toEqual([ids.other]);
    expect(idsOf(await data('/conversations?from=2026-03-05&to=2026-03-07'))).toEqual([ids.transferred, ids.grumbling, ids.angry]);
    expect(idsOf(await data('/conversations?from=2026-03-05T12:00:00Z&to=2026-03-06T09:00:00Z'))).toEqual([ids.grumbling]);
    expect(idsOf(await data('/conversations?to=2026-03-03'))).toEqual([ids.happy]);
  });

  it('refuses a window whose end is not after its start, and times that are not ISO 8601', async () => {
    const backwards = await call('GET', '/conversations?from=2026-03-05&to=2026-03-05');
    expect(backwards.status).toBe(400);
    expect(backwards.json.errors).toEqual([{ field: 'to', message: 'must be later than from' }]);
    const garbled = await call('GET', '/conversations?from=last%20tuesday');
    expect(garbled.status).toBe(400);
    expect(garbled.json.errors[0].field).toBe('from');
  });
});

describe('get_conversation', () => {
  it('returns the summary view with why it ended and where it went', async () => {
    const transferred = (await data(`/conversations/${ids.transferred}`)).data;
    expect(transferred).toMatchObject({
      id: ids.transferred,
      outcome: 'transferred',
      endReason: 'ended_by_client',
      transferredTo: TRANSFER_TO,
      test: false,
      eventCount: 8,
    });
    expect(transferred.versionId).toMatch(/^agv_/);
    expect((await data(`/conversations/${ids.voiceSilent}`)).data).toMatchObject({ channel: 'voice', surface: 'simulate', endReason: 'no_response', transferredTo: null, versionId: null, test: true });
  });
});

describe('get_conversation_transcript', () => {
  it('returns the messages oldest first, a page at a time', async () => {
    const page = await data(`/conversations/${ids.happy}/transcript?limit=3`);
    expect(page.data.map((message: { role: string; content: string }) => [message.role, message.content])).toEqual([
      ['assistant', GREETING],
      ['user', 'When are you open on Saturday?'],
      ['assistant', HOURS],
    ]);
    expect(page.data[1].createdAt).toBe('2026-03-02T10:00:30.000Z');
    const rest = await data(`/conversations/${ids.happy}/transcript?limit=3&cursor=${encodeURIComponent(page.nextCursor)}`);
    expect(rest.data.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(rest.data[0].content).toBe('Perfect, thanks!');
    expect(rest.hasMore).toBe(false);
  });

  it('reads a voice call the same way', async () => {
    const page = await data(`/conversations/${ids.voiceAnswered}/transcript`);
    expect(page.data.map((message: { role: string; content: string }) => [message.role, message.content])).toEqual([
      ['assistant', GREETING],
      ['user', 'When are you open on Saturday?'],
      ['assistant', HOURS],
    ]);
    expect((await data(`/conversations/${ids.voiceMissed}/transcript`)).data).toEqual([]);
  });
});

describe('get_conversation_receipt', () => {
  it('returns every event in order with seq, type, at and data', async () => {
    const receipt = await data(`/conversations/${ids.transferred}/receipt`);
    expect(receipt.conversationId).toBe(ids.transferred);
    expect(receipt.data.map((event: { seq: number; type: string }) => [event.seq, event.type])).toEqual([
      [1, 'conversation_started'], [2, 'agent_message'], [3, 'user_utterance'], [4, 'guardrail'],
      [5, 'handoff'], [6, 'tool_call'], [7, 'agent_message'], [8, 'conversation_ended'],
    ]);
    expect(receipt.data[2]).toEqual({ seq: 3, type: 'user_utterance', at: '2026-03-06T09:00:30.000Z', data: { text: 'I want to talk to a person' } });
    expect(receipt.data[4].data).toMatchObject({ destination: TRANSFER_TO, skill: 'transfer_to_person' });
    expect(receipt.data[7]).toEqual({ seq: 8, type: 'conversation_ended', at: '2026-03-06T09:01:00.000Z', data: { reason: 'ended_by_client', outcome: 'transferred' } });
  });

  it('shows the fallbacks of a conversation the agent could not answer', async () => {
    const events = (await data(`/conversations/${ids.angry}/receipt`)).data;
    const replies = events.filter((event: { type: string }) => event.type === 'agent_message').map((event: { data: { kind: string; text: string } }) => [event.data.kind, event.data.text]);
    expect(replies).toEqual([['greeting', GREETING], ['fallback', FALLBACK], ['fallback', FALLBACK], ['fallback', FALLBACK]]);
  });
});

describe('get_conversation_audio', () => {
  it('answers 404 recording_unavailable: chat has no audio, and calls are not recorded', async () => {
    const chatAudio = await call('GET', `/conversations/${ids.happy}/audio`);
    expect(chatAudio.status).toBe(404);
    expect(chatAudio.json).toMatchObject({
      code: 'recording_unavailable',
      title: 'Recording unavailable',
      detail: `conversation ${ids.happy} is a chat: chat conversations have no audio; read its transcript instead`,
    });
    const callAudio = await call('GET', `/conversations/${ids.voiceAnswered}/audio`);
    expect(callAudio.status).toBe(404);
    expect(callAudio.json.detail).toBe(`conversation ${ids.voiceAnswered} has no recording: this deployment does not record calls; read its transcript instead`);
  });
});

describe('list_agent_calls', () => {
  it('lists one agent\'s conversations as call summaries, newest first, with a cursor', async () => {
    const first = await data(`/agents/${platform.agentId}/calls?limit=4`);
    expect(idsOf(first)).toEqual(['silent', 'transferred', 'grumbling', 'angry'].map((name) => ids[name]));
    const second = await data(`/agents/${platform.agentId}/calls?limit=4&cursor=${encodeURIComponent(first.nextCursor)}`);
    expect(idsOf(second)).toEqual(['negative', 'neutral', 'happy'].map((name) => ids[name]));
    expect(second.hasMore).toBe(false);
    expect(idsOf(await data(`/agents/${otherAgentId}/calls`))).toEqual([ids.other]);
    expect(idsOf(await data(`/agents/${platform.agentId}/calls?channel=voice&includeTests=true`))).toEqual([ids.voiceTransferred, ids.voiceMissed, ids.voiceSilent, ids.voiceAnswered]);
    expect((await data(`/agents/${platform.agentId}/calls?outcome=transferred`)).data).toMatchObject([{ id: ids.transferred, summary: `Asked "I want to talk to a person"; transferred to ${TRANSFER_TO}.` }]);
  });
});

describe('another org', () => {
  it('gets 404 not_found for every conversation and agent id of org A, and none of its rows', async () => {
    const token = platform.orgB.apiKey.secret;
    for (const path of [
      `/conversations/${ids.happy}`,
      `/conversations/${ids.happy}/transcript`,
      `/conversations/${ids.happy}/receipt`,
      `/conversations/${ids.voiceAnswered}/audio`,
      `/agents/${platform.agentId}/calls`,
      `/conversations?agentId=${platform.agentId}`,
    ]) {
      const response = await call('GET', path, { token });
      expect([path, response.status, response.json.code]).toEqual([path, 404, 'not_found']);
    }
    expect((await data('/conversations?includeTests=true&q=saturday', token)).data).toEqual([]);
  });
});
