/**
 * Analytics over conversations made through the engine (chat sessions, live and draft
 * simulations) on a movable clock, checked against a hand count of what was seeded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';

let clock = new Date('2025-03-09T12:00:00Z');
const setClock = (iso: string) => (clock = new Date(iso));

let platform: ChatPlatform;
const agents = { acme: '', bistro: '', zed: '', alpha: '', old: '' };
/** Voice seconds metered per live call, as the engine measured them. */
const seconds = { bistroSilent: 0, acmeAnswered: 0, acmeTransferred: 0 };
/** Spend in cents on the Starter plan: a live chat reply is 1¢, a call 12¢ per started minute. */
const REPLY = 1;
const callCents = (callSeconds: number) => Math.max(1, Math.ceil(callSeconds / 60)) * 12;
const usd = (cents: number) => cents / 100;

async function ok(method: string, path: string, payload?: unknown): Promise<any> {
  const response = await platform.request(method, path, { body: payload });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await body(response)).data;
}

async function get(path: string, token?: string): Promise<{ status: number; json: any }> {
  const response = await platform.request('GET', path, { token });
  return { status: response.status, json: await body(response) };
}

/** A chat session with these messages, then ended; returns its outcome. */
async function chat(agentId: string, messages: string[], draftMode = false): Promise<string> {
  const session = await ok('POST', '/chat/sessions', { agentId, draftMode });
  for (const content of messages) await ok('POST', `/chat/sessions/${session.id}/messages`, { content });
  return (await ok('POST', `/chat/sessions/${session.id}/end`)).outcome;
}

/** A simulation; returns its final (done) frame. */
async function simulate(agentId: string, fields: Record<string, unknown>): Promise<any> {
  const response = await platform.request('POST', `/agents/${agentId}/simulate`, { body: fields });
  return parseSse(await response.text()).at(-1)!.data;
}

async function createAgent(name: string, patch: Record<string, unknown> = {}, publish = true): Promise<string> {
  const agent = await ok('POST', '/agents', { name, ...patch });
  if (publish) await platform.publish(agent.id);
  return agent.id;
}

const silentCall = { mode: 'voice', draftMode: false, transcript: [{ silenceSeconds: 10 }] };

beforeAll(async () => {
  platform = await createChatPlatform({}, () => new Date(clock));
  agents.acme = platform.agentId; // "Acme front desk", with knowledge
  await ok('PATCH', `/agents/${agents.acme}`, {
    callControl: { idleReminderSeconds: 5, maxIdleReminders: 1, onNoResponseAction: 'transfer', maxDurationSeconds: 600 },
    handoffConfig: { transferDestination: '+14155550100' },
  });
  await platform.publish();
  agents.bistro = await createAgent('Bistro line', { callControl: { idleReminderSeconds: 5, maxIdleReminders: 1, onNoResponseAction: 'end', maxDurationSeconds: 600 } });
  agents.zed = await createAgent('Zed spare', {}, false);
  agents.alpha = await createAgent('Alpha spare', {}, false);
  agents.old = await createAgent('Old desk');

  // Day 1, 2025-03-10: two live Acme chats (one answered over two replies, one abandoned), a silent
  // Bistro call (abandoned), and two Acme tests that must not count.
  setClock('2025-03-10T09:00:00Z');
  expect(await chat(agents.acme, ['When are you open?', 'How much is a call-out visit?'])).toBe('contained');
  expect(await chat(agents.acme, [])).toBe('abandoned');
  expect(await chat(agents.acme, ['When are you open?'], true)).toBe('contained');
  expect((await simulate(agents.acme, { mode: 'voice', transcript: ['When are you open?'] })).draftMode).toBe(true);
  const bistroSilent = await simulate(agents.bistro, silentCall);
  expect(bistroSilent.outcome).toBe('abandoned');
  seconds.bistroSilent = Math.ceil(bistroSilent.durationSeconds);

  // Day 2, 2025-03-11: nothing. Day 3, late: two live Acme calls, and a Bistro chat it cannot
  // answer from knowledge (reached, not resolved: answered).
  setClock('2025-03-12T23:30:00Z');
  const answered = await simulate(agents.acme, { mode: 'voice', draftMode: false, transcript: ['When are you open on Saturday?'] });
  expect(answered.outcome).toBe('contained');
  seconds.acmeAnswered = Math.ceil(answered.durationSeconds);
  const transferred = await simulate(agents.acme, silentCall);
  expect(transferred.outcome).toBe('transferred');
  seconds.acmeTransferred = Math.ceil(transferred.durationSeconds);
  expect(await chat(agents.bistro, ['Hello, are you open today?'])).toBe('answered');

  // Day 4 at exactly midnight: a live Acme text simulation, and a chat with an agent deleted after.
  setClock('2025-03-13T00:00:00Z');
  expect((await simulate(agents.acme, { mode: 'text', draftMode: false, message: 'How much is a call-out visit?' })).outcome).toBe('contained');
  expect(await chat(agents.old, ['Hi there'])).toBe('contained');
  await ok('DELETE', `/agents/${agents.old}`);

  setClock('2025-03-20T15:00:00Z');
  expect(Object.values(seconds).every((value) => value > 0)).toBe(true);
});

afterAll(() => {
  platform.background.stop();
  platform.close();
});

describe('get_agent_analytics', () => {
  it('counts every live conversation of the agent, tests excluded', async () => {
    const { status, json } = await get(`/agents/${agents.acme}/analytics`);
    expect(status).toBe(200);
    expect(json.data).toEqual({
      agentId: agents.acme, from: null, to: null, channel: null,
      total: 5, answered: 4, missed: 1, contained: 3, transferred: 1,
      answerRate: 0.8, containmentRate: 0.6, transferRate: 0.2,
      avgTicketUsd: null, recoveredRevenueUsd: 0,
    });
  });

  it('values answered conversations at the average ticket: cents, dollars, and cents winning over dollars', async () => {
    const card = async (query: string) => (await get(`/agents/${agents.acme}/analytics?${query}`)).json.data;
    expect(await card('avgTicketCents=12550')).toMatchObject({ avgTicketUsd: 125.5, recoveredRevenueUsd: 502 });
    expect(await card('avgTicketUsd=80')).toMatchObject({ avgTicketUsd: 80, recoveredRevenueUsd: 320 });
    expect(await card('avgTicketUsd=19.99')).toMatchObject({ avgTicketUsd: 19.99, recoveredRevenueUsd: 79.96 });
    expect(await card('avgTicketUsd=80&avgTicketCents=12550')).toMatchObject({ avgTicketUsd: 125.5, recoveredRevenueUsd: 502 });
    expect(await card('avgTicketCents=0')).toMatchObject({ avgTicketUsd: 0, recoveredRevenueUsd: 0 });
  });

  it('filters by channel', async () => {
    const chat = (await get(`/agents/${agents.acme}/analytics?channel=chat&avgTicketCents=1000`)).json.data;
    expect(chat).toMatchObject({
      channel: 'chat', total: 3, answered: 2, missed: 1, contained: 2, transferred: 0,
      answerRate: 0.6667, containmentRate: 0.6667, transferRate: 0, recoveredRevenueUsd: 20,
    });
    const voice = (await get(`/agents/${agents.acme}/analytics?channel=voice`)).json.data;
    expect(voice).toMatchObject({ total: 2, answered: 2, missed: 0, contained: 1, transferred: 1, containmentRate: 0.5, transferRate: 0.5 });
  });

  it('counts from inclusive and to exclusive, by start time, with dates as midnight UTC', async () => {
    const card = async (query: string) => (await get(`/agents/${agents.acme}/analytics?${query}`)).json.data;
    expect(await card('from=2025-03-12&to=2025-03-13')).toMatchObject({
      from: '2025-03-12T00:00:00.000Z', to: '2025-03-13T00:00:00.000Z', total: 2, answered: 2, missed: 0, contained: 1, transferred: 1,
    });
    expect((await card('to=2025-03-13T00:00:00Z')).total).toBe(4);
    expect((await card('from=2025-03-13T00:00:00Z')).total).toBe(1);
    expect(await card('from=2025-03-13T01:00:00%2B01:00')).toMatchObject({ from: '2025-03-13T00:00:00.000Z', total: 1 });
    expect(await card('from=2025-01-01&to=2025-02-01')).toMatchObject({ total: 0, answered: 0, missed: 0, answerRate: 0, containmentRate: 0, transferRate: 0 });
  });

  it('answers 404 for another org\'s agent and for a deleted agent', async () => {
    const other = await get(`/agents/${agents.acme}/analytics`, platform.orgB.apiKey.secret);
    expect(other.status).toBe(404);
    expect(other.json.code).toBe('not_found');
    expect((await get(`/agents/${agents.old}/analytics`)).status).toBe(404);
    expect((await get(`/agents/${agents.acme}/analytics/timeseries`, platform.orgB.apiKey.secret)).status).toBe(404);
  });
});

describe('analytics input checks', () => {
  it.each([
    ['/agents/{acme}/analytics?from=yesterday', 'from'],
    ['/agents/{acme}/analytics?to=2025-02-30', 'to'],
    ['/analytics/overview?from=2025-03-10T09:00', 'from'],
    ['/analytics/overview?from=2025-03-12&to=2025-03-10', 'to'],
    ['/analytics/by-agent?from=2025-03-12&to=2025-03-12', 'to'],
    ['/analytics/timeseries?from=2025-03-12&to=2025-03-10', 'to'],
    ['/analytics/timeseries?from=2025-04-01', 'to'],
    ['/analytics/timeseries?from=2024-01-01&to=2025-03-01', 'from'],
    ['/agents/{acme}/analytics/timeseries?channel=sms', 'channel'],
    ['/agents/{acme}/analytics?avgTicketCents=-5', 'avgTicketCents'],
    ['/agents/{acme}/analytics?avgTicketCents=1.5', 'avgTicketCents'],
    ['/analytics/overview?avgTicketUsd=lots', 'avgTicketUsd'],
  ])('%s answers 400 naming %s', async (path, field) => {
    const { status, json } = await get(path.replace('{acme}', agents.acme));
    expect(status).toBe(400);
    expect(json.code).toBe('validation_error');
    expect(json.errors.map((error: { field: string }) => error.field)).toEqual([field]);
  });

  it('needs analytics:read', async () => {
    expect((await get('/analytics/overview', platform.keyWith(['analytics:read']))).status).toBe(200);
    expect((await get('/analytics/overview', platform.keyWith(['agents:read']))).status).toBe(403);
  });
});

describe('get_analytics_timeseries', () => {
  it('has one bucket per UTC day, zero days included, with conversations and spend', async () => {
    const { json } = await get('/analytics/timeseries?from=2025-03-10&to=2025-03-14');
    expect(json).toEqual({
      success: true,
      from: '2025-03-10T00:00:00.000Z', to: '2025-03-14T00:00:00.000Z', channel: null,
      data: [
        { date: '2025-03-10', conversations: 3, chatConversations: 2, voiceConversations: 1, spendUsd: usd(2 * REPLY + callCents(seconds.bistroSilent)) },
        { date: '2025-03-11', conversations: 0, chatConversations: 0, voiceConversations: 0, spendUsd: 0 },
        {
          date: '2025-03-12', conversations: 3, chatConversations: 1, voiceConversations: 2,
          spendUsd: usd(REPLY + callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred)),
        },
        { date: '2025-03-13', conversations: 2, chatConversations: 2, voiceConversations: 0, spendUsd: usd(2 * REPLY) },
      ],
    });
  });

  it('defaults to the last 30 UTC days including today', async () => {
    const series = (await get('/analytics/timeseries')).json;
    expect(series).toMatchObject({ from: '2025-02-19T00:00:00.000Z', to: '2025-03-21T00:00:00.000Z' });
    const { data } = series;
    expect(data).toHaveLength(30);
    expect([data[0].date, data.at(-1).date]).toEqual(['2025-02-19', '2025-03-20']);
    expect(data.reduce((sum: number, bucket: any) => sum + bucket.conversations, 0)).toBe(8);

    const ending = (await get('/analytics/timeseries?to=2025-03-14')).json;
    expect(ending.data).toHaveLength(30);
    expect([ending.data[0].date, ending.data.at(-1).date]).toEqual(['2025-02-12', '2025-03-13']);
  });
});

describe('get_agent_analytics_timeseries', () => {
  it('counts only the agent, and only the channel asked for', async () => {
    const dates = 'from=2025-03-10&to=2025-03-14';
    const voice = (await get(`/agents/${agents.acme}/analytics/timeseries?${dates}&channel=voice`)).json;
    expect(voice.agentId).toBe(agents.acme);
    expect(voice.data.map((bucket: any) => [bucket.date, bucket.conversations, bucket.voiceConversations, bucket.spendUsd])).toEqual([
      ['2025-03-10', 0, 0, 0],
      ['2025-03-11', 0, 0, 0],
      ['2025-03-12', 2, 2, usd(callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred))],
      ['2025-03-13', 0, 0, 0],
    ]);
    const chat = (await get(`/agents/${agents.acme}/analytics/timeseries?${dates}&channel=chat`)).json;
    expect(chat.data.map((bucket: any) => [bucket.conversations, bucket.chatConversations, bucket.spendUsd])).toEqual([
      [2, 2, usd(2 * REPLY)],
      [0, 0, 0],
      [0, 0, 0],
      [1, 1, usd(REPLY)],
    ]);
  });
});

describe('get_analytics_overview', () => {
  it('totals the account, a deleted agent\'s past conversations included', async () => {
    const { json } = await get('/analytics/overview?avgTicketUsd=100');
    expect(json.data).toEqual({
      from: null, to: null, channel: null,
      total: 8, answered: 6, missed: 2, contained: 4, transferred: 1,
      answerRate: 0.75, containmentRate: 0.5, transferRate: 0.125,
      chatConversations: 5, voiceConversations: 3, activeAgents: 3,
      spendUsd: usd(5 * REPLY + callCents(seconds.bistroSilent) + callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred)),
      avgTicketUsd: 100, recoveredRevenueUsd: 600,
    });
  });

  it('narrows by window and channel, and shows nothing of another org', async () => {
    const day3 = (await get('/analytics/overview?from=2025-03-12&to=2025-03-13&channel=voice')).json.data;
    expect(day3).toMatchObject({ total: 2, voiceConversations: 2, chatConversations: 0, activeAgents: 1, answered: 2, missed: 0 });
    expect(day3.spendUsd).toBe(usd(callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred)));
    const other = (await get('/analytics/overview', platform.orgB.apiKey.secret)).json.data;
    expect(other).toMatchObject({ total: 0, activeAgents: 0, spendUsd: 0 });
  });
});

describe('get_analytics_by_agent', () => {
  it('lists every agent not deleted, busiest first, idle ones with zeros by name', async () => {
    const { json } = await get('/analytics/by-agent');
    const zeros = {
      total: 0, answered: 0, missed: 0, contained: 0, transferred: 0, answerRate: 0, containmentRate: 0, transferRate: 0,
      chatConversations: 0, voiceConversations: 0, lastConversationAt: null, spendUsd: 0,
    };
    expect(json).toEqual({
      success: true,
      from: null, to: null, channel: null,
      data: [
        {
          agentId: agents.acme, name: 'Acme front desk',
          total: 5, answered: 4, missed: 1, contained: 3, transferred: 1, answerRate: 0.8, containmentRate: 0.6, transferRate: 0.2,
          chatConversations: 3, voiceConversations: 2, lastConversationAt: '2025-03-13T00:00:00.000Z',
          spendUsd: usd(3 * REPLY + callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred)),
        },
        {
          agentId: agents.bistro, name: 'Bistro line',
          total: 2, answered: 1, missed: 1, contained: 0, transferred: 0, answerRate: 0.5, containmentRate: 0, transferRate: 0,
          chatConversations: 1, voiceConversations: 1, lastConversationAt: '2025-03-12T23:30:00.000Z',
          spendUsd: usd(REPLY + callCents(seconds.bistroSilent)),
        },
        { agentId: agents.alpha, name: 'Alpha spare', ...zeros },
        { agentId: agents.zed, name: 'Zed spare', ...zeros },
      ],
    });
  });

  it('keeps agents with nothing in the window, and filters by channel', async () => {
    const rows = (await get('/analytics/by-agent?from=2025-03-11&to=2025-03-12')).json.data;
    expect(rows.map((row: any) => [row.name, row.total, row.spendUsd])).toEqual([
      ['Acme front desk', 0, 0], ['Alpha spare', 0, 0], ['Bistro line', 0, 0], ['Zed spare', 0, 0],
    ]);
    const voice = (await get('/analytics/by-agent?channel=voice')).json.data;
    expect(voice.map((row: any) => [row.name, row.total, row.missed, row.spendUsd])).toEqual([
      ['Acme front desk', 2, 0, usd(callCents(seconds.acmeAnswered) + callCents(seconds.acmeTransferred))],
      ['Bistro line', 1, 1, usd(callCents(seconds.bistroSilent))],
      ['Alpha spare', 0, 0, 0],
      ['Zed spare', 0, 0, 0],
    ]);
  });
});
