/**
 * Probe runs over REST: a scripted scenario queued as a job, worked by the background worker,
 * judged by its quality gates, polled and streamed; and publishing gated on saved scenarios.
 */
import { describe, expect, it } from 'vitest';
import { body } from '../helpers.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { createChatPlatform, parseSse, type ChatPlatform } from '../chat-helpers.ts';
import { startWebhookServer } from '../support/webhook-server.ts';
import { baseLanguage, detectLanguage } from '../../src/runtime/probe/language.ts';
import { runProbeJob } from '../../src/runtime/probe/job.ts';
import { PROBE_CALLER_ID } from '../../src/runtime/probe/runner.ts';

const opened = closeAfterEach();

const SATURDAY_REPLY = 'Acme Plumbing is open Monday to Friday from 8am to 6pm, and Saturday from 9am to noon.';
const SATURDAY = { name: 'Saturday hours', turns: [{ user: 'When are you open on Saturday?', expectPhrases: ['9am'] }] };

async function kick(chat: ChatPlatform, fields: Record<string, unknown>): Promise<Response> {
  return chat.request('POST', `/agents/${chat.agentId}/probe/run`, { body: fields });
}

/** Queue a run, work it, and read its result. */
async function probe(chat: ChatPlatform, fields: Record<string, unknown>): Promise<any> {
  const response = await kick(chat, fields);
  expect(response.status).toBe(202);
  const { runId } = (await body(response)).data;
  await chat.drain();
  return (await body(await chat.request('GET', `/agents/${chat.agentId}/probe/runs/${runId}`))).data;
}

/** A skill whose webhook answers after `delayMs`: the tool the job-status scenarios need. */
async function addJobStatusSkill(chat: ChatPlatform, delayMs = 0): Promise<void> {
  const webhook = opened(await startWebhookServer());
  webhook.answer({ json: { status: 'technician on the way' }, delayMs });
  const response = await chat.request('POST', `/agents/${chat.agentId}/skills`, {
    body: {
      name: 'Look up job status',
      description: 'Look up the status of an existing service job by its job number.',
      skillType: 'http_webhook',
      executionConfig: { url: `${webhook.url}/jobs/status` },
      parametersSchema: { type: 'object', properties: { order_id: { type: 'string', description: 'The job number' } }, required: ['order_id'] },
    },
  });
  expect(response.status).toBe(201);
}

const JOB_STATUS = { name: 'Job status', turns: [{ user: 'What is the status of job J12345?', expectToolCalls: ['look_up_job_status'] }], goal: { toolCall: 'look_up_job_status' } };

describe('start_probe_run and get_probe_run', () => {
  it('queues a run (202), works it as a job through the engine, and passes a scenario the agent satisfies', async () => {
    const chat = opened(await createChatPlatform());
    const response = await kick(chat, { scenario: SATURDAY });
    expect(response.status).toBe(202);
    const queued = (await body(response)).data;
    expect(Object.keys(queued)).toEqual(['runId', 'status']);
    expect(queued.runId).toMatch(/^prb_/);
    expect(queued.status).toBe('queued');

    const path = `/agents/${chat.agentId}/probe/runs/${queued.runId}`;
    const before = (await body(await chat.request('GET', path))).data;
    expect(before).toMatchObject({ status: 'queued', turns: [], gates: null, startedAt: null, finishedAt: null, conversationId: null });

    expect(await chat.drain()).toBe(1);
    const run = (await body(await chat.request('GET', path))).data;
    expect(run).toMatchObject({ runId: queued.runId, agentId: chat.agentId, status: 'passed', mode: 'loopback', draftMode: true, versionId: null, error: null });
    // No language given: the agent's primary language.
    expect(run.scenario).toEqual({ ...SATURDAY, language: 'en' });
    expect(run.gateLimits).toEqual({ maxTurnLatencyMs: 5000 });
    expect(run.turns).toEqual([
      {
        index: 0,
        user: 'When are you open on Saturday?',
        reply: SATURDAY_REPLY,
        latencyMs: run.turns[0].latencyMs,
        toolCalls: [{ name: 'search_knowledge', ok: true }],
        language: 'en',
        checks: { phrases: [{ phrase: '9am', said: true }], toolCalls: [] },
        passed: true,
      },
    ]);
    expect(run.turns[0].latencyMs).toBeGreaterThan(0);
    expect(run.gates).toEqual({
      goalCompletion: { passed: true, detail: 'every turn expectation held' },
      latency: { passed: true, p95Ms: run.turns[0].latencyMs, maxMs: run.turns[0].latencyMs, limitMs: 5000 },
      languageFidelity: { passed: true, expected: 'en', detected: ['en'] },
    });

    // The conversation is a draft probe conversation of its own, ended, and nothing was billed.
    const conversation = chat.services.conversations.find(chat.orgA.org.id, run.conversationId)!;
    expect(conversation).toMatchObject({ surface: 'probe', draft: true, status: 'ended', versionId: null });
    expect(chat.services.usage.all({ orgId: chat.orgA.org.id })).toEqual([]);
  });

  it('fails the goal-completion gate when a phrase is never said and a tool never called, naming each miss', async () => {
    const chat = opened(await createChatPlatform());
    const run = await probe(chat, {
      scenario: {
        name: 'Round the clock',
        turns: [{ user: 'When are you open on Saturday?', expectPhrases: ['9am', 'open 24/7'], expectToolCalls: ['search_knowledge', 'book_visit'] }],
        goal: { toolCall: 'book_visit', phrase: 'noon' },
      },
    });
    expect(run.status).toBe('failed');
    expect(run.turns[0].checks).toEqual({
      phrases: [{ phrase: '9am', said: true }, { phrase: 'open 24/7', said: false }],
      toolCalls: [{ name: 'search_knowledge', called: true }, { name: 'book_visit', called: false }],
    });
    expect(run.turns[0].passed).toBe(false);
    expect(run.gates.goalCompletion).toEqual({
      passed: false,
      detail: 'turn 1 did not say "open 24/7"; turn 1 did not call book_visit; the goal tool book_visit was never called successfully',
    });
    expect(run.gates.latency.passed).toBe(true);
    expect(run.gates.languageFidelity).toEqual({ passed: true, expected: 'en', detected: ['en'] });
  });

  it('passes a goal reached through a tool call and a phrase said in a later turn', async () => {
    const chat = opened(await createChatPlatform());
    await addJobStatusSkill(chat);
    const run = await probe(chat, {
      scenario: { ...JOB_STATUS, turns: [...JOB_STATUS.turns, { user: 'How much does a visit cost?' }], goal: { toolCall: 'look_up_job_status', phrase: '95 dollars' } },
    });
    expect(run.turns.map((turn: any) => turn.toolCalls)).toEqual([[{ name: 'look_up_job_status', ok: true }], [{ name: 'search_knowledge', ok: true }]]);
    expect(run.gates.goalCompletion).toEqual({ passed: true, detail: 'the goal was reached and every turn expectation held' });
    expect(run.status).toBe('passed');
  });

  it('fails the latency gate when a turn takes longer than maxTurnLatencyMs', async () => {
    const chat = opened(await createChatPlatform());
    await addJobStatusSkill(chat, 60);
    const run = await probe(chat, { scenario: JOB_STATUS, gates: { maxTurnLatencyMs: 20 } });
    expect(run.status).toBe('failed');
    expect(run.gateLimits).toEqual({ maxTurnLatencyMs: 20 });
    expect(run.gates.goalCompletion.passed).toBe(true);
    expect(run.gates.latency).toEqual({ passed: false, p95Ms: run.turns[0].latencyMs, maxMs: run.turns[0].latencyMs, limitMs: 20 });
    expect(run.turns[0].latencyMs).toBeGreaterThanOrEqual(60);
  });

  it('fails the language gate when a scenario in Spanish gets English replies', async () => {
    const chat = opened(await createChatPlatform());
    const run = await probe(chat, { scenario: { ...SATURDAY, language: 'es' } });
    expect(run.status).toBe('failed');
    expect(run.scenario.language).toBe('es');
    expect(run.turns[0].language).toBe('en');
    expect(run.gates.languageFidelity).toEqual({ passed: false, expected: 'es', detected: ['en'] });
    expect(run.gates.goalCompletion.passed).toBe(true);
    expect(run.gates.latency.passed).toBe(true);
  });

  it('answers 422 probe_mode_unavailable for phone mode when the agent has no number, queueing nothing', async () => {
    const chat = opened(await createChatPlatform());
    await chat.publish();
    const response = await kick(chat, { scenario: SATURDAY, mode: 'phone', save: true });
    expect(response.status).toBe(422);
    const problem = await body(response);
    expect(problem).toMatchObject({ code: 'probe_mode_unavailable', status: 422, title: 'Probe mode not available' });
    expect(problem.detail).toContain('assign one');
    expect(problem.errors).toEqual([{ field: 'mode', message: 'the agent needs an assigned phone number' }]);
    expect(await chat.drain()).toBe(0);
    expect(chat.services.probes.scenarios(chat.orgA.org.id, chat.agentId)).toEqual([]);
  });

  it('answers 409 no_published_version for phone mode on a never-published agent, even with a number', async () => {
    const chat = opened(await createChatPlatform());
    await chat.request('POST', '/numbers/import', { body: { e164: '+14155550100', agentId: chat.agentId } });
    const response = await kick(chat, { scenario: SATURDAY, mode: 'phone' });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('no_published_version');
  });

  it("runs phone mode as a sandbox call to the agent's number, answered by the live version and billed", async () => {
    const chat = opened(await createChatPlatform());
    await chat.publish();
    const agent = (await body(await chat.request('GET', `/agents/${chat.agentId}`))).data;
    await chat.request('PATCH', `/agents/${chat.agentId}`, { body: { greeting: 'Changed, not published.' } });
    const number = (await body(await chat.request('POST', '/numbers/import', { body: { e164: '+18005550100', agentId: chat.agentId } }))).data;
    const run = await probe(chat, { scenario: SATURDAY, mode: 'phone' });
    expect(run).toMatchObject({ status: 'passed', mode: 'phone', draftMode: false, versionId: agent.publishedVersionId, error: null });
    expect(run.turns).toMatchObject([{ index: 0, reply: SATURDAY_REPLY, toolCalls: [{ name: 'search_knowledge', ok: true }], passed: true }]);
    const conversation = chat.services.conversations.find(chat.orgA.org.id, run.conversationId)!;
    expect(conversation).toMatchObject({ channel: 'voice', surface: 'phone', draft: false, status: 'ended', endUser: PROBE_CALLER_ID });
    const greeting = chat.services.conversations.recentMessages(chat.orgA.org.id, run.conversationId, 1 + 2)[0];
    expect(greeting.content).toBe('Hi, this is Acme Plumbing. How can I help?');
    const billed = chat.services.usage.all({ orgId: chat.orgA.org.id }).filter((item) => item.conversationId === run.conversationId);
    expect(billed.map((item) => [item.kind, item.numberId])).toEqual([['voice_minute', null], ['toll_free_minute', number.id]]);
  });

  it('fails a phone probe whose call ends before the scenario does', async () => {
    const chat = opened(await createChatPlatform());
    expect((await chat.request('PATCH', `/agents/${chat.agentId}`, { body: { callControl: { maxDurationSeconds: 30 } } })).status).toBe(200);
    await chat.publish();
    await chat.request('POST', '/numbers/import', { body: { e164: '+14155550101', agentId: chat.agentId } });
    // About 20 seconds to say, after a 4-second greeting and before an 8-second reply: the 30-second limit falls after the first turn.
    const rambling = `When are you open on Saturday? ${'My kitchen sink has been leaking all week and the water keeps coming back. '.repeat(4)}`;
    const run = await probe(chat, { scenario: { name: 'Rambling', turns: [{ user: rambling }, { user: 'And on Sunday?' }] }, mode: 'phone' });
    expect(run.status).toBe('failed');
    expect(run.turns).toHaveLength(1);
    expect(run.gates.goalCompletion).toEqual({ passed: false, detail: 'turn 2 was never answered: the call ended first' });
  });

  it('answers 409 no_published_version when probing the live version of a never-published agent', async () => {
    const chat = opened(await createChatPlatform());
    const response = await kick(chat, { scenario: SATURDAY, draftMode: false });
    expect(response.status).toBe(409);
    expect((await body(response)).code).toBe('no_published_version');
  });

  it('probes the live version with draftMode false, not the draft', async () => {
    const chat = opened(await createChatPlatform());
    await chat.publish();
    const agent = (await body(await chat.request('GET', `/agents/${chat.agentId}`))).data;
    await chat.request('PATCH', `/agents/${chat.agentId}`, { body: { greeting: 'Changed, not published.' } });
    const run = await probe(chat, { scenario: SATURDAY, draftMode: false });
    expect(run).toMatchObject({ status: 'passed', draftMode: false, versionId: agent.publishedVersionId });
    expect(chat.services.conversations.find(chat.orgA.org.id, run.conversationId)).toMatchObject({ surface: 'probe', draft: false });
  });

  it("answers 404 to another org's key for a run, whichever agent id it gives", async () => {
    const chat = opened(await createChatPlatform());
    const { runId } = (await body(await kick(chat, { scenario: SATURDAY }))).data;
    await chat.drain();
    const tokenB = chat.orgB.apiKey.secret;
    const agentB = (await body(await chat.request('POST', '/agents', { body: { name: 'Org B agent' }, token: tokenB }))).data;
    for (const path of [
      `/agents/${chat.agentId}/probe/runs/${runId}`,
      `/agents/${agentB.id}/probe/runs/${runId}`,
      `/agents/${agentB.id}/probe/runs/${runId}/stream`,
    ]) {
      const response = await chat.request('GET', path, { token: tokenB });
      expect(response.status).toBe(404);
      expect((await body(response)).code).toBe('not_found');
    }
    const foreignKick = await chat.request('POST', `/agents/${chat.agentId}/probe/run`, { body: { scenario: SATURDAY }, token: tokenB });
    expect(foreignKick.status).toBe(404);
  });
});

describe('the probe_run job', () => {
  it('ends a run in error when its agent is deleted before it runs', async () => {
    const chat = opened(await createChatPlatform());
    const { runId } = (await body(await kick(chat, { scenario: SATURDAY }))).data;
    expect((await chat.request('DELETE', `/agents/${chat.agentId}`)).status).toBe(200);
    await chat.drain();
    const run = chat.services.probes.findRun(chat.orgA.org.id, chat.agentId, runId)!;
    expect(run).toMatchObject({ status: 'error', gates: null, turns: [], error: { code: 'not_found', detail: `agent ${chat.agentId} was not found` } });
  });

  it('leaves a finished run as it was when its job runs again', async () => {
    const chat = opened(await createChatPlatform());
    const result = await probe(chat, { scenario: SATURDAY });
    await runProbeJob(chat.services, chat.orgA.org.id, chat.agentId, result.runId);
    expect((await body(await chat.request('GET', `/agents/${chat.agentId}/probe/runs/${result.runId}`))).data).toEqual(result);
  });
});

describe('stream_probe_run', () => {
  it('streams the run live: queued, each turn as it completes, the final status, then done with the result', async () => {
    const chat = opened(await createChatPlatform());
    const scenario = { name: 'Two questions', turns: [SATURDAY.turns[0], { user: 'How much does a visit cost?', expectPhrases: ['95 dollars'] }] };
    const { runId } = (await body(await kick(chat, { scenario }))).data;
    const response = await chat.request('GET', `/agents/${chat.agentId}/probe/runs/${runId}/stream`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = response.text();
    await chat.drain();
    const frames = parseSse(await text);

    const result = (await body(await chat.request('GET', `/agents/${chat.agentId}/probe/runs/${runId}`))).data;
    // Whether a poll lands while the run is running depends on timing; everything else is fixed.
    const fixed = frames.filter((frame) => !(frame.event === 'status' && frame.data.status === 'running'));
    expect(fixed).toEqual([
      { event: 'status', data: { runId, status: 'queued' } },
      { event: 'turn', data: result.turns[0] },
      { event: 'turn', data: result.turns[1] },
      { event: 'status', data: { runId, status: 'passed' } },
      { event: 'done', data: result },
    ]);
    expect(result.turns.map((turn: any) => turn.reply)).toEqual([SATURDAY_REPLY, 'A standard call-out visit costs 95 dollars, including the first half hour of labour.']);
  });

  it('replays a finished run at once', async () => {
    const chat = opened(await createChatPlatform());
    const result = await probe(chat, { scenario: SATURDAY });
    const response = await chat.request('GET', `/agents/${chat.agentId}/probe/runs/${result.runId}/stream`);
    expect(parseSse(await response.text())).toEqual([
      { event: 'turn', data: result.turns[0] },
      { event: 'status', data: { runId: result.runId, status: 'passed' } },
      { event: 'done', data: result },
    ]);
  });
});

describe('publish_agent with requireProbes', () => {
  it('publishes as usual when the agent has no saved scenarios', async () => {
    const chat = opened(await createChatPlatform());
    const response = await chat.request('POST', `/agents/${chat.agentId}/publish`, { body: { requireProbes: true } });
    expect(response.status).toBe(201);
    expect((await body(response)).data).toMatchObject({ number: 1, isLive: true });
  });

  it('refuses with 409 probe_failed while a saved scenario fails, and publishes once the agent is fixed', async () => {
    const chat = opened(await createChatPlatform());
    await chat.publish();
    const live = (await body(await chat.request('GET', `/agents/${chat.agentId}`))).data.publishedVersionId;
    // Saved with the run: the agent has no job-status skill yet, so it fails.
    expect((await probe(chat, { scenario: JOB_STATUS, save: true })).status).toBe('failed');
    expect((await probe(chat, { scenario: SATURDAY, save: true })).status).toBe('passed');

    const refused = await chat.request('POST', `/agents/${chat.agentId}/publish`, { body: { requireProbes: true, note: 'gated' } });
    expect(refused.status).toBe(409);
    const problem = await body(refused);
    expect(problem.code).toBe('probe_failed');
    expect(problem.title).toBe('Probe gates failed');
    expect(problem.detail).toBe('1 of 2 saved probe scenarios failed against the draft: "Job status" (goalCompletion); nothing was published');
    expect(problem.failedScenarios).toEqual([
      {
        scenario: 'Job status',
        conversationId: expect.stringMatching(/^conv_/),
        failedGates: ['goalCompletion'],
        gates: {
          goalCompletion: { passed: false, detail: 'turn 1 did not call look_up_job_status; the goal tool look_up_job_status was never called successfully' },
          latency: expect.objectContaining({ passed: true, limitMs: 5000 }),
          languageFidelity: { passed: true, expected: 'en', detected: ['en'] },
        },
      },
    ]);
    const unchanged = (await body(await chat.request('GET', `/agents/${chat.agentId}`))).data;
    expect(unchanged.publishedVersionId).toBe(live);
    expect((await body(await chat.request('GET', `/agents/${chat.agentId}/versions`))).data).toHaveLength(1);

    await addJobStatusSkill(chat);
    const published = await chat.request('POST', `/agents/${chat.agentId}/publish`, { body: { requireProbes: true, note: 'gated' } });
    expect(published.status).toBe(201);
    expect((await body(published)).data).toMatchObject({ number: 2, note: 'gated', isLive: true });
    const probeConversations = chat.services.db
      .prepare("SELECT COUNT(*) FROM conversations WHERE org_id = ? AND surface = 'probe'")
      .pluck()
      .get(chat.orgA.org.id);
    // Two queued runs, then the two saved scenarios at each of the two gated publishes.
    expect(probeConversations).toBe(6);
  });

  it('saving a scenario under the same name replaces it, so fixing the scenario unblocks publishing', async () => {
    const chat = opened(await createChatPlatform());
    await probe(chat, { scenario: { ...SATURDAY, turns: [{ user: 'When are you open on Saturday?', expectPhrases: ['open 24/7'] }] }, save: true });
    const refused = await chat.request('POST', `/agents/${chat.agentId}/publish`, { body: { requireProbes: true } });
    expect(refused.status).toBe(409);
    expect((await body(refused)).failedScenarios.map((failure: any) => failure.gates.goalCompletion.detail)).toEqual(['turn 1 did not say "open 24/7"']);

    await probe(chat, { scenario: SATURDAY, save: true });
    expect(chat.services.probes.scenarios(chat.orgA.org.id, chat.agentId).map((saved) => saved.scenario)).toEqual([SATURDAY]);
    const published = await chat.request('POST', `/agents/${chat.agentId}/publish`, { body: { requireProbes: true } });
    expect(published.status).toBe(201);
  });
});

describe('language detection for the fidelity gate', () => {
  it('judges replies of at least 20 letters, and compares base languages', () => {
    expect(detectLanguage('Yes, at 9am.')).toBeNull();
    expect(detectLanguage(SATURDAY_REPLY)).toBe('en');
    expect(detectLanguage('Estamos abiertos de lunes a viernes de 8 a 18 horas.')).toBe('es');
    expect(['pt-BR', 'por', 'EN', 'cmn'].map(baseLanguage)).toEqual(['pt', 'pt', 'en', 'zh']);
  });
});
