import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { body } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';

const opened = closeAfterEach();

/** When the lists are read; conversations happen 28 days earlier (first half of the window) or right then. */
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const EARLIER = NOW - 28 * DAY;

/** Asked 28 days ago: the first four conversations, one short of the floor. */
const EARLY_QUESTIONS = ['When are you open?', 'How much is a call-out?', 'How much does a call-out cost?', 'Do you fix helicopters?'];
/** Asked now: the fifth conversation, reaching the floor. */
const FLOOR_QUESTION = 'Are you open on Saturday?';
const LATER_QUESTIONS = [
  'When are you open on Saturday?',
  'Are you open on Saturdays?',
  'What time are you open?',
  'How much is a call-out visit?',
  'So, do you fix helicopters?',
  'do you fix helicopters',
  'Do you fix helicopters at all?',
  'Do you install water heaters?',
  'Do you install water heaters?',
  'hello',
];

interface Scenario {
  chat: ChatPlatform;
  /** Conversation ids by the question asked, in the order asked. */
  asked: { question: string; id: string }[];
  setClock(at: number): void;
  ask(question: string, options?: { draft?: boolean }): Promise<string>;
  get(path: string, token?: string): Promise<{ status: number; json: any }>;
}

/** A published plumber's agent whose clock the test moves; nothing asked yet. */
async function openScenario(): Promise<Scenario> {
  let clock = NOW;
  const chat = opened(await createChatPlatform({}, () => new Date(clock)));
  await chat.request('PATCH', `/agents/${chat.agentId}`, {
    body: { persona: { role: 'the front desk of Acme Plumbing, which repairs pipes, boilers and water heaters' } },
  });
  await chat.publish();
  const asked: Scenario['asked'] = [];
  return {
    chat,
    asked,
    setClock: (at) => (clock = at),
    async ask(question, options = {}) {
      const session = (await body(await chat.request('POST', '/chat/sessions', { body: { agentId: chat.agentId, draftMode: options.draft ?? false } }))).data;
      const response = await chat.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content: question } });
      expect(response.status).toBe(200);
      if (!options.draft) asked.push({ question, id: session.id });
      return session.id;
    },
    async get(path, token) {
      const response = await chat.request('GET', path, { token });
      return { status: response.status, json: await body(response) };
    },
  };
}

/** Every question asked: four early, then the rest now, plus draft (test) conversations that must not count. */
async function openFullScenario(): Promise<Scenario> {
  const scenario = await openScenario();
  scenario.setClock(EARLIER);
  for (const question of EARLY_QUESTIONS) await scenario.ask(question);
  scenario.setClock(NOW);
  for (const question of [FLOOR_QUESTION, ...LATER_QUESTIONS]) await scenario.ask(question);
  for (let count = 0; count < 3; count += 1) await scenario.ask('Do you fix helicopters?', { draft: true });
  return scenario;
}

const idsOf = (scenario: Scenario, ...questions: string[]) =>
  scenario.asked.filter((entry) => questions.includes(entry.question)).map((entry) => entry.id);
const newestFirst = (ids: string[]) => [...ids].sort().reverse();

const HOURS = ['When are you open?', 'Are you open on Saturday?', 'When are you open on Saturday?', 'Are you open on Saturdays?', 'What time are you open?'];
const PRICES = ['How much is a call-out?', 'How much does a call-out cost?', 'How much is a call-out visit?'];
const HELICOPTERS = ['Do you fix helicopters?', 'So, do you fix helicopters?', 'do you fix helicopters', 'Do you fix helicopters at all?'];

describe('list_topics', () => {
  it('reports collecting below five conversations and ready at five, with the early topics', async () => {
    const scenario = await openScenario();
    scenario.setClock(EARLIER);
    for (const question of EARLY_QUESTIONS) await scenario.ask(question);
    await scenario.ask('Do you fix helicopters?', { draft: true });
    scenario.setClock(NOW);
    const path = `/agents/${scenario.chat.agentId}/topics`;

    const below = await scenario.get(path);
    expect(below.status).toBe(200);
    expect(below.json).toEqual({
      success: true,
      data: [],
      dataState: 'collecting',
      from: '2026-01-30T12:00:00.000Z',
      to: '2026-03-01T12:00:00.000Z',
      conversations: 4,
    });

    await scenario.ask(FLOOR_QUESTION);
    const ready = (await scenario.get(path)).json;
    expect(ready.dataState).toBe('ready');
    expect(ready.conversations).toBe(5);
    expect(ready.data.map(({ clusterId: _id, ...topic }: any) => topic)).toEqual([
      {
        label: 'Are you open on Saturday?',
        volume: 2,
        share: 0.4,
        trend: { direction: 'flat', current: 1, previous: 1 },
        sampleQuestions: ['Are you open on Saturday?', 'When are you open?'],
      },
      {
        label: 'How much does a call-out cost?',
        volume: 2,
        share: 0.4,
        trend: { direction: 'down', current: 0, previous: 2 },
        sampleQuestions: ['How much does a call-out cost?', 'How much is a call-out?'],
      },
    ]);
    expect(ready.data[0].clusterId).toMatch(/^tpc_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('groups the themes, ranks them by volume with their trend, and ignores drafts and small talk', async () => {
    const scenario = await openFullScenario();
    const { json, status } = await scenario.get(`/agents/${scenario.chat.agentId}/topics`);
    expect(status).toBe(200);
    expect(json.dataState).toBe('ready');
    expect(json.conversations).toBe(14);
    expect(json.data.map(({ clusterId: _id, ...topic }: any) => topic)).toEqual([
      {
        label: 'When are you open on Saturday?',
        volume: 5,
        share: 0.3571,
        trend: { direction: 'up', current: 4, previous: 1 },
        sampleQuestions: ['When are you open on Saturday?', 'Are you open on Saturday?', 'When are you open?'],
      },
      {
        label: 'Do you fix helicopters?',
        volume: 4,
        share: 0.2857,
        trend: { direction: 'up', current: 3, previous: 1 },
        sampleQuestions: ['Do you fix helicopters?', 'So, do you fix helicopters?', 'Do you fix helicopters at all?'],
      },
      {
        label: 'How much is a call-out?',
        volume: 3,
        share: 0.2143,
        trend: { direction: 'down', current: 1, previous: 2 },
        sampleQuestions: ['How much is a call-out?', 'How much is a call-out visit?', 'How much does a call-out cost?'],
      },
      {
        label: 'Do you install water heaters?',
        volume: 2,
        share: 0.1429,
        trend: { direction: 'up', current: 2, previous: 0 },
        sampleQuestions: ['Do you install water heaters?'],
      },
    ]);

    // Same conversations, same topics and ids; a window of only the last two weeks sees only the later half.
    const again = (await scenario.get(`/agents/${scenario.chat.agentId}/topics`)).json;
    expect(again.data.map((topic: any) => topic.clusterId)).toEqual(json.data.map((topic: any) => topic.clusterId));
    const recent = (await scenario.get(`/agents/${scenario.chat.agentId}/topics?from=2026-02-15T12:00:00Z&limit=2`)).json;
    expect(recent.conversations).toBe(10);
    // Labels follow the members: without the early questions, other wordings are the most central.
    expect(recent.data.map((topic: any) => [topic.label, topic.volume])).toEqual([
      ['Are you open on Saturday?', 4],
      ['do you fix helicopters', 3],
    ]);
  });

  it('answers 400 naming to when the window ends before it starts', async () => {
    const scenario = await openScenario();
    const { status, json } = await scenario.get(`/agents/${scenario.chat.agentId}/topics?from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z`);
    expect(status).toBe(400);
    expect(json.errors).toEqual([{ field: 'to', message: 'must be after from' }]);
  });
});

describe('list_topic_conversations', () => {
  it('lists the conversations of one topic newest first, a page at a time, with what was said there', async () => {
    const scenario = await openFullScenario();
    const agentPath = `/agents/${scenario.chat.agentId}`;
    const topics = (await scenario.get(`${agentPath}/topics`)).json.data;
    const helicopters = topics.find((topic: any) => topic.label === 'Do you fix helicopters?');
    const expected = newestFirst(idsOf(scenario, ...HELICOPTERS));

    const first = (await scenario.get(`${agentPath}/topics/${helicopters.clusterId}/conversations?limit=3`)).json;
    expect(first.data.map((conversation: any) => conversation.id)).toEqual(expected.slice(0, 3));
    expect(first.data[0]).toMatchObject({
      channel: 'chat',
      surface: 'session',
      status: 'active',
      messageCount: 3,
      startedAt: '2026-03-01T12:00:00.000Z',
      questions: ['Do you fix helicopters at all?'],
    });
    expect(first.hasMore).toBe(true);
    const second = (await scenario.get(`${agentPath}/topics/${helicopters.clusterId}/conversations?limit=3&cursor=${first.nextCursor}`)).json;
    expect(second.data.map((conversation: any) => [conversation.id, conversation.questions])).toEqual([[expected[3], ['Do you fix helicopters?']]]);
    expect(second.hasMore).toBe(false);

    const hours = topics.find((topic: any) => topic.volume === 5);
    const hourIds = (await scenario.get(`${agentPath}/topics/${hours.clusterId}/conversations`)).json.data.map((conversation: any) => conversation.id);
    expect(hourIds).toEqual(newestFirst(idsOf(scenario, ...HOURS)));
    const priceTopic = topics.find((topic: any) => topic.volume === 3);
    const priceIds = (await scenario.get(`${agentPath}/topics/${priceTopic.clusterId}/conversations`)).json.data.map((conversation: any) => conversation.id);
    expect(priceIds).toEqual(newestFirst(idsOf(scenario, ...PRICES)));
  });

  it('answers 404 for an unknown topic, and for another org\'s agent', async () => {
    const scenario = await openFullScenario();
    const agentPath = `/agents/${scenario.chat.agentId}`;
    const unknown = await scenario.get(`${agentPath}/topics/tpc_0000000000000000000000000a/conversations`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('not_found');

    const { clusterId } = (await scenario.get(`${agentPath}/topics`)).json.data[0];
    const otherOrg = scenario.chat.orgB.apiKey.secret;
    expect((await scenario.get(`${agentPath}/topics`, otherOrg)).status).toBe(404);
    expect((await scenario.get(`${agentPath}/topics/${clusterId}/conversations`, otherOrg)).status).toBe(404);
  });
});

describe('list_knowledge_gaps', () => {
  it('reports collecting below five conversations, then ready with nothing asked twice yet', async () => {
    const scenario = await openScenario();
    scenario.setClock(EARLIER);
    for (const question of EARLY_QUESTIONS) await scenario.ask(question);
    scenario.setClock(NOW);
    const path = `/agents/${scenario.chat.agentId}/knowledge-gaps`;
    expect((await scenario.get(path)).json).toEqual({ success: true, data: [], dataState: 'collecting', ranked: false });
    await scenario.ask('hello');
    expect((await scenario.get(path)).json).toEqual({ success: true, data: [], dataState: 'ready', ranked: true });
  });

  it('merges near-identical unanswered questions, ranks them by frequency and recency, and classifies them', async () => {
    const scenario = await openFullScenario();
    const { json, status } = await scenario.get(`/agents/${scenario.chat.agentId}/knowledge-gaps`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ dataState: 'ready', ranked: true });
    const helicopterIds = newestFirst(idsOf(scenario, ...HELICOPTERS));
    expect(json.data.map(({ gapId: _id, ...gap }: any) => gap)).toEqual([
      {
        question: 'Do you fix helicopters?',
        occurrences: 4,
        lastAskedAt: '2026-03-01T12:00:00.000Z',
        // three conversations now (1 each) and one 28 days ago (0.5 ** 2)
        rankScore: 3.25,
        classification: 'out_of_scope',
        status: 'open',
        sampleConversationIds: helicopterIds.slice(0, 3),
      },
      {
        question: 'Do you install water heaters?',
        occurrences: 2,
        lastAskedAt: '2026-03-01T12:00:00.000Z',
        rankScore: 2,
        classification: 'missing_knowledge',
        status: 'open',
        sampleConversationIds: newestFirst(idsOf(scenario, 'Do you install water heaters?')),
      },
    ]);
    expect(json.data[0].gapId).toMatch(/^gap_[0-9a-hjkmnp-tv-z]{26}$/);
  });

  it('keeps a status set by hand across recounts, filters by status, and refuses covered', async () => {
    const scenario = await openFullScenario();
    const path = `/agents/${scenario.chat.agentId}/knowledge-gaps`;
    const [helicopters, heaters] = (await scenario.get(path)).json.data;

    const patched = await scenario.chat.request('PATCH', `${path}/${helicopters.gapId}`, { body: { status: 'in_progress' } });
    expect(patched.status).toBe(200);
    expect((await body(patched)).data).toEqual({ ...helicopters, status: 'in_progress' });
    await scenario.chat.request('PATCH', `${path}/${heaters.gapId}`, { body: { status: 'dismissed' } });

    // Asked once more: the same gap counts it, and keeps its status.
    await scenario.ask('Do you fix helicopters??');
    const relisted = (await scenario.get(path)).json.data;
    expect(relisted.map((gap: any) => [gap.gapId, gap.occurrences, gap.rankScore, gap.status])).toEqual([
      [helicopters.gapId, 5, 4.25, 'in_progress'],
      [heaters.gapId, 2, 2, 'dismissed'],
    ]);
    expect((await scenario.get(`${path}?status=dismissed`)).json.data.map((gap: any) => gap.gapId)).toEqual([heaters.gapId]);
    expect((await scenario.get(`${path}?status=open`)).json.data).toEqual([]);

    const covered = await scenario.chat.request('PATCH', `${path}/${heaters.gapId}`, { body: { status: 'covered' } });
    expect(covered.status).toBe(400);
    const problem = await body(covered);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors).toEqual([
      { field: 'status', message: 'must be open, in_progress or dismissed (covered is set automatically when the live knowledge answers the question)' },
    ]);
    const unknown = await scenario.chat.request('PATCH', `${path}/gap_0000000000000000000000000a`, { body: { status: 'open' } });
    expect(unknown.status).toBe(404);
  });

  it('turns a gap covered once the published knowledge answers it, and leaves dismissed gaps alone', async () => {
    const scenario = await openFullScenario();
    const path = `/agents/${scenario.chat.agentId}/knowledge-gaps`;
    const [helicopters, heaters] = (await scenario.get(path)).json.data;
    await scenario.chat.request('PATCH', `${path}/${heaters.gapId}`, { body: { status: 'dismissed' } });

    // Knowledge added but not yet published: the live agent still cannot answer.
    await scenario.chat.addSource({ kind: 'text', label: 'Helicopters', text: 'Helicopters: we do not fix helicopters.' });
    await scenario.chat.addSource({ kind: 'text', label: 'Heaters', text: 'Water heaters: we install water heaters of every make.' });
    await scenario.chat.drain();
    expect((await scenario.get(path)).json.data.map((gap: any) => gap.status)).toEqual(['open', 'dismissed']);

    await scenario.chat.publish();
    const ranked = (await scenario.get(path)).json.data;
    expect(ranked.map((gap: any) => [gap.gapId, gap.status])).toEqual([
      [helicopters.gapId, 'covered'],
      [heaters.gapId, 'dismissed'],
    ]);
    expect((await scenario.get(`${path}?status=covered`)).json.data.map((gap: any) => gap.gapId)).toEqual([helicopters.gapId]);
  });

  it('answers 404 to another org, for its list and for curating its gaps', async () => {
    const scenario = await openFullScenario();
    const path = `/agents/${scenario.chat.agentId}/knowledge-gaps`;
    const [gap] = (await scenario.get(path)).json.data;
    const otherOrg = scenario.chat.orgB.apiKey.secret;
    expect((await scenario.get(path, otherOrg)).status).toBe(404);
    const patched = await scenario.chat.request('PATCH', `${path}/${gap.gapId}`, { body: { status: 'dismissed' }, token: otherOrg });
    expect(patched.status).toBe(404);
    expect((await scenario.get(path)).json.data[0].status).toBe('open');
  });
});
