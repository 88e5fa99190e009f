/**
 * The copilot on the local model: plain one-step requests become tool calls made for the caller;
 * destructive ones pause as actions that run once, exactly as stored, when confirmed on their thread.
 */
import { describe, expect, it } from 'vitest';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { parseSse } from '../fixtures/sse.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';

const opened = closeAfterEach();

async function assist(platform: Platform, payload: Record<string, unknown>, token?: string, path = '/assist'): Promise<any> {
  const response = await platform.request('POST', path, { body: payload, token });
  const json = await body(response);
  if (!response.ok) throw Object.assign(new Error(`${path}: ${response.status} ${JSON.stringify(json)}`), { status: response.status, problem: json });
  return json.data;
}

describe('POST /assist on the local model', () => {
  it('creates an agent from a plain request, and shows the change', async () => {
    const platform = opened(createPlatform());
    const result = await assist(platform, { message: 'Create an agent called Acme Support' });
    expect(result.toolCalls).toEqual([{ tool: 'create_agent', input: { name: 'Acme Support' }, status: 'ok' }]);
    expect(result.changes).toEqual([{ tool: 'create_agent', summary: expect.stringContaining('Acme Support'), id: expect.stringMatching(/^agt_/), actionId: null }]);
    expect(result.pendingActions).toEqual([]);
    // Said plainly: what identifies the new agent first, empty and time fields left out.
    expect(result.reply).toMatch(/^Create an agent: name: Acme Support, id: agt_\w+, /);
    expect(result.reply).not.toMatch(/createdAt|greeting: \./);
    const agent = (await body(await platform.request('GET', `/agents/${result.changes[0].id}`))).data;
    expect(agent.name).toBe('Acme Support');
  });

  it('pauses a destructive step, runs it once when confirmed on its thread, and refuses a second confirmation', async () => {
    const platform = opened(createPlatform());
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const asked = await assist(platform, { message: 'Delete the Acme agent' });
    expect(asked.toolCalls).toEqual([{ tool: 'delete_agent', input: { id: agent.id }, status: 'pending', actionId: expect.stringMatching(/^act_/) }]);
    const [action] = asked.pendingActions;
    expect(action).toMatchObject({ tool: 'delete_agent', input: { id: agent.id } });
    expect(asked.reply).toContain(action.id);
    // Nothing ran yet.
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(200);

    const done = await assist(platform, { threadId: asked.threadId, confirm: [action.id] });
    expect(done.changes).toEqual([{ tool: 'delete_agent', summary: action.summary, id: agent.id, actionId: action.id }]);
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(404);

    const again = await platform.request('POST', '/assist', { body: { threadId: asked.threadId, confirm: [action.id] } });
    expect(again.status).toBe(409);
    expect((await body(again)).code).toBe('action_not_pending');
  });

  it("publishes a named agent with a note after confirmation, and answers a question about last week's calls", async () => {
    const platform = opened(createPlatform({}, undefined, () => new Date('2026-11-26T15:00:00Z')));
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    await platform.request('POST', '/agents', { body: { name: 'Night line' } });
    const asked = await assist(platform, { message: "Publish Acme Support with note 'v2'" });
    expect(asked.pendingActions).toEqual([{ id: expect.any(String), tool: 'publish_agent', input: { id: agent.id, note: 'v2' }, summary: expect.any(String) }]);
    await assist(platform, { threadId: asked.threadId, confirm: [asked.pendingActions[0].id] });
    const [version] = (await body(await platform.request('GET', `/agents/${agent.id}/versions`))).data;
    expect(version).toMatchObject({ number: 1, note: 'v2' });

    const stats = await assist(platform, { message: 'How many calls did my agents miss this week?' });
    // The week began on Monday 2026-11-23 (UTC).
    expect(stats.toolCalls).toEqual([{ tool: 'get_analytics_overview', input: { from: '2026-11-23T00:00:00.000Z' }, status: 'ok' }]);
    expect(stats.reply).toMatch(/^Get account analytics overview: missed: 0,/);
  });

  it('drops a rejected action without running it, and refuses ids that are unknown, of another thread or of another org', async () => {
    const platform = opened(createPlatform());
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const first = await assist(platform, { message: 'Delete the Acme agent' });
    const second = await assist(platform, { message: 'Delete Acme Support' });
    const refused = async (payload: Record<string, unknown>, token?: string) => {
      const response = await platform.request('POST', '/assist', { body: payload, token });
      return { status: response.status, code: (await body(response)).code };
    };
    expect(await refused({ threadId: first.threadId, confirm: [second.pendingActions[0].id] })).toEqual({ status: 404, code: 'not_found' });
    expect(await refused({ threadId: first.threadId, confirm: ['act_missing'] })).toEqual({ status: 404, code: 'not_found' });
    expect(await refused({ threadId: first.threadId, confirm: [first.pendingActions[0].id] }, platform.orgB.apiKey.secret)).toEqual({ status: 404, code: 'not_found' });
    expect(await refused({ confirm: [first.pendingActions[0].id] })).toEqual({ status: 400, code: 'validation_error' });

    const rejected = await assist(platform, { threadId: first.threadId, reject: [first.pendingActions[0].id] });
    expect(rejected.changes).toEqual([]);
    expect(rejected.reply).toContain('Left alone');
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(200);
    expect(await refused({ threadId: first.threadId, confirm: [first.pendingActions[0].id] })).toEqual({ status: 409, code: 'action_not_pending' });
  });

  it('offers only what the key may do, and audits every call as the copilot acting for the caller', async () => {
    const platform = opened(createPlatform());
    const readOnly = platform.keyWith(['agents:read']);
    const result = await assist(platform, { message: 'Create an agent called Acme Support' }, readOnly);
    expect(result.toolCalls).toEqual([]);
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);

    await assist(platform, { message: 'Create an agent called Acme Support' });
    platform.services.audit.flush();
    const rows = platform.services.db.prepare("SELECT actor_type AS actorType, actor_id AS actorId, via, endpoint, status FROM audit_logs WHERE via = 'copilot'").all();
    expect(rows).toEqual([{ actorType: 'api_key', actorId: platform.orgA.apiKey.id, via: 'copilot', endpoint: 'create_agent', status: 201 }]);
  });

  it('streams progress as server-sent events ending with the result', async () => {
    const platform = opened(createPlatform());
    const response = await platform.request('POST', '/assist', { body: { message: 'Create an agent called Streamed', stream: true } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = parseSse(await response.text());
    expect(frames.map((frame) => frame.event)).toEqual(['tools_offered', 'tool_call', 'done']);
    expect(frames.at(-1)!.data.changes[0]).toMatchObject({ tool: 'create_agent' });
  });

  it('streams when the client accepts text/event-stream, and answers JSON when it accepts application/json', async () => {
    const platform = opened(createPlatform());
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const streamed = await platform.request('POST', `/agents/${agent.id}/assist`, {
      body: { message: 'Rename it to Acme Desk' },
      headers: { Accept: 'text/event-stream' },
    });
    expect(streamed.headers.get('content-type')).toContain('text/event-stream');
    const frames = parseSse(await streamed.text());
    expect(frames[0].event).toBe('tools_offered');
    expect(frames.at(-1)!.event).toBe('done');
    expect(frames.at(-1)!.data.threadId).toMatch(/^ath_/);

    const plain = await platform.request('POST', '/assist', { body: { message: 'Create an agent called Plain' }, headers: { Accept: 'application/json' } });
    expect(plain.headers.get('content-type')).toContain('application/json');
    expect((await body(plain)).data.changes[0]).toMatchObject({ tool: 'create_agent' });
  });

  it('runs the paused actions when the request is resent marked confirmed, without planning its message again', async () => {
    const platform = opened(createPlatform());
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const message = 'Delete the Acme agent';
    const asked = await assist(platform, { message });
    const [action] = asked.pendingActions;
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(200);

    const done = await assist(platform, { message, threadId: asked.threadId, confirmed: true });
    expect(done.changes).toEqual([{ tool: 'delete_agent', summary: action.summary, id: agent.id, actionId: action.id }]);
    expect(done.pendingActions).toEqual([]);
    expect((await platform.request('GET', `/agents/${agent.id}`)).status).toBe(404);
    const thread = (await body(await platform.request('GET', `/assist/threads/${asked.threadId}`))).data;
    expect(thread.actions.map((entry: { status: string }) => entry.status)).toEqual(['done']);
    expect(thread.messages.filter((entry: { role: string }) => entry.role === 'user')).toHaveLength(1);

    // Nothing is left to confirm; confirmed needs the thread it confirms on.
    expect((await assist(platform, { threadId: asked.threadId, confirmed: true })).reply).toBe('Nothing was waiting for confirmation on this thread.');
    const orphan = await platform.request('POST', '/assist', { body: { message, confirmed: true } });
    expect(orphan.status).toBe(400);
    expect((await body(orphan)).errors).toEqual([{ field: 'threadId', message: expect.stringContaining('confirmed') }]);
  });

  it('leaves the actions named in reject alone when the rest are confirmed', async () => {
    const platform = opened(createPlatform());
    const first = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const second = (await body(await platform.request('POST', '/agents', { body: { name: 'Night line' } }))).data;
    const asked = await assist(platform, { message: 'Delete the Acme agent' });
    const more = await assist(platform, { message: 'Delete the Night line agent', threadId: asked.threadId });
    const [keep] = more.pendingActions;
    expect(keep.input).toEqual({ id: second.id });

    const done = await assist(platform, { threadId: asked.threadId, confirmed: true, reject: [keep.id] });
    expect(done.changes.map((change: { id: string }) => change.id)).toEqual([first.id]);
    expect((await platform.request('GET', `/agents/${first.id}`)).status).toBe(404);
    expect((await platform.request('GET', `/agents/${second.id}`)).status).toBe(200);
  });

  it('keeps threads: the most recently active first, filtered by agent, each with its messages and actions', async () => {
    const platform = opened(createPlatform());
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Acme Support' } }))).data;
    const account = await assist(platform, { message: 'Create an agent called Second' });
    const bound = await assist(platform, { message: "Publish it with note 'first'" }, undefined, `/agents/${agent.id}/assist`);
    expect(bound.pendingActions).toEqual([expect.objectContaining({ tool: 'publish_agent', input: { id: agent.id, note: 'first' } })]);

    const all = (await body(await platform.request('GET', '/assist/threads'))).data;
    expect(all.map((thread: any) => thread.id)).toEqual([bound.threadId, account.threadId]);
    // Carrying on with the older thread makes it the most recent; pages follow that order.
    await assist(platform, { threadId: account.threadId, message: 'List my agents' });
    const first = await body(await platform.request('GET', '/assist/threads?limit=1'));
    const second = await body(await platform.request('GET', `/assist/threads?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`));
    expect([...first.data, ...second.data].map((thread: any) => thread.id)).toEqual([account.threadId, bound.threadId]);
    expect(second.hasMore).toBe(false);
    const mine = (await body(await platform.request('GET', `/assist/threads?agentId=${agent.id}`))).data;
    expect(mine.map((thread: any) => [thread.id, thread.agentId])).toEqual([[bound.threadId, agent.id]]);
    const thread = (await body(await platform.request('GET', `/assist/threads/${bound.threadId}`))).data;
    expect(thread.messages.map((message: any) => message.role)).toEqual(['user', 'assistant']);
    expect(thread.actions).toEqual([expect.objectContaining({ id: bound.pendingActions[0].id, status: 'pending', tool: 'publish_agent' })]);
    expect((await platform.request('GET', `/assist/threads/${bound.threadId}`, { token: platform.orgB.apiKey.secret })).status).toBe(404);
    // An agent's thread is not the account copilot's to continue.
    expect((await platform.request('POST', '/assist', { body: { threadId: bound.threadId, confirm: [bound.pendingActions[0].id] } })).status).toBe(404);
  });

  it('works through a real MCP client the same way', async () => {
    const platform = opened(createPlatform());
    const client = await connectMcp(platform);
    const created = await client.callTool({ name: 'assist', arguments: { message: 'Create an agent called Via Copilot' } });
    expect(created.isError).toBeFalsy();
    const { result } = created.structuredContent as { result: any };
    expect(result.changes[0]).toMatchObject({ tool: 'create_agent' });
    const deletion = (await client.callTool({ name: 'assist', arguments: { message: 'Delete Via Copilot' } })).structuredContent as { result: any };
    const [action] = deletion.result.pendingActions;
    expect(action.tool).toBe('delete_agent');
    await client.callTool({ name: 'assist', arguments: { threadId: deletion.result.threadId, confirm: [action.id] } });
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);
  });

  it('lets a new user build, test and publish an agent by asking, confirming only the publish', async () => {
    const platform = opened(createPlatform());
    await platform.request('POST', '/billing/wallet/credit', { body: { amountUsd: 5 } });
    const created = await assist(platform, { message: 'Create an agent called Acme Support' });
    const agentId = created.changes[0].id;
    const greeted = await assist(platform, { message: "Set the greeting of Acme Support to 'Hi, Acme Support here. How can I help?'" });
    expect(greeted.toolCalls).toEqual([{ tool: 'update_agent', input: { id: agentId, greeting: 'Hi, Acme Support here. How can I help?' }, status: 'ok' }]);
    const tested = await assist(platform, { message: "Test Acme Support with the message 'Hello there'" });
    expect(tested.toolCalls).toEqual([{ tool: 'simulate_agent', input: { agentId, message: 'Hello there' }, status: 'ok' }]);
    const publish = await assist(platform, { message: 'Publish Acme Support' });
    expect(publish.pendingActions.map((action: any) => action.tool)).toEqual(['publish_agent']);
    await assist(platform, { threadId: publish.threadId, confirm: [publish.pendingActions[0].id] });
    const agent = (await body(await platform.request('GET', `/agents/${agentId}`))).data;
    expect(agent).toMatchObject({ greeting: 'Hi, Acme Support here. How can I help?', publishedVersionId: expect.stringMatching(/^agv_/) });
    // Live now: a chat session on the published version greets with the new greeting.
    const session = (await body(await platform.request('POST', '/chat/sessions', { body: { agentId } }))).data;
    expect(session.greeting.content).toBe('Hi, Acme Support here. How can I help?');
  });
});
