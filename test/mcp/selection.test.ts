/**
 * What an MCP connection lists, seen by both client lines over Streamable HTTP: ?tools=, the
 * agent scope (?agent=), and the tools a secret key can never call, which are not listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, createPlatform, problemOf, type Platform } from '../helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { CLIENT_LINES, type LineClient } from '../fixtures/mcp-clients.ts';
import { initDataDir, PACKAGE_ROOT, type InitializedDataDir } from '../fixtures/cli.ts';
import { runCli } from '../support/cli.ts';
import { TOOLS } from '../../src/tools/index.ts';

const opened = closeAfterEach();
const SESSION_ONLY = TOOLS.filter((tool) => tool.auth === 'session').map((tool) => tool.name);

let platform: Platform;
let server: Listening;
let agentId: string;
let otherAgentId: string;
let otherOrgAgentId: string;

beforeAll(async () => {
  platform = createPlatform();
  server = await listen(platform.app);
  const create = async (name: string, token?: string) => (await body(await platform.request('POST', '/agents', { body: { name }, token }))).data.id as string;
  agentId = await create('Scoped');
  otherAgentId = await create('Other');
  otherOrgAgentId = await create('Of org B', platform.orgB.apiKey.secret);
});
afterAll(async () => {
  await server.close();
  platform.close();
});

/** A raw POST to /mcp, for the answers a client would only see as a failed connect. */
function post(query: string, token = platform.orgA.apiKey.secret): Promise<Response> {
  return fetch(`${server.origin}/mcp${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
    }),
  });
}

const names = async (client: LineClient) => (await client.listTools()).tools.map((tool) => tool.name).sort();

describe.each(CLIENT_LINES)('an MCP client of $name', (line) => {
  const connect = async (query: string, token = platform.orgA.apiKey.secret) =>
    opened(await line.http(new URL(`${server.origin}/mcp${query}`), token));

  it('lists exactly the tools ?tools= names, besides any toolsets, and read-only mode still wins', async () => {
    expect(await names(await connect('?tools=get_agent,list_voices'))).toEqual(['get_agent', 'list_voices']);
    expect(await names(await connect('?tools=get_agent,create_agent&readonly=true'))).toEqual(['get_agent']);
    expect(await names(await connect('?toolsets=voices&tools=get_wallet'))).toEqual(['get_voice_facets', 'get_wallet', 'list_voices', 'search_voices']);
    const client = await connect('?tools=get_agent');
    await client.listTools();
    expect(((await client.callTool({ name: 'get_agent', arguments: { id: agentId } })).structuredContent as { name: string }).name).toBe('Scoped');
  });

  it('never lists to a secret key the tools only a dashboard session may call, nor finds them by search', async () => {
    const everything = await names(await connect('?toolsets=all'));
    expect(everything).toEqual(expect.arrayContaining(['create_agent', 'list_webhook_endpoints']));
    expect(everything.filter((name) => SESSION_ONLY.includes(name))).toEqual([]);
    // Named outright, a dashboard-only tool is still not listed.
    expect(await names(await connect('?tools=create_talk_token,get_agent'))).toEqual(['get_agent']);

    const discovery = await connect('?profile=discovery');
    await discovery.listTools();
    const found = await discovery.callTool({ name: 'search_tools', arguments: { query: 'talk token api key session', limit: 50 } });
    const foundNames = (found.structuredContent as { tools: { name: string }[] }).tools.map((tool) => tool.name);
    expect(foundNames.filter((name) => SESSION_ONLY.includes(name))).toEqual([]);
    const called = await discovery.callTool({ name: 'call_tool', arguments: { name: 'create_talk_token', arguments: { agentId } } });
    expect(problemOf(called).code).toBe('not_found');
  });

  it('lists everything a dashboard session can call, dashboard-only tools included', async () => {
    const everything = await names(await connect('?toolsets=all', platform.orgA.session.token));
    expect(everything).toEqual(expect.arrayContaining(SESSION_ONLY));
  });

  it('scoped to one agent, fills its id in, and lists no tool that works across agents or on the account', async () => {
    const client = await connect(`?agent=${agentId}&toolsets=agents,knowledge,voices,webhooks,observe`);
    const { tools } = await client.listTools();
    const listed = tools.map((tool) => tool.name);
    expect(listed).toEqual(expect.arrayContaining(['get_agent', 'update_agent', 'add_knowledge_source', 'list_voices', 'list_conversations']));
    for (const acrossAgents of ['list_agents', 'create_agent', 'list_webhook_endpoints', 'get_conversation', 'get_analytics_overview', 'upload_file']) {
      expect(listed).not.toContain(acrossAgents);
    }
    const schemaOf = (name: string) => tools.find((tool) => tool.name === name)!.inputSchema;
    expect(schemaOf('get_agent').properties).not.toHaveProperty('id');
    expect(schemaOf('get_agent').required ?? []).not.toContain('id');
    expect(schemaOf('add_knowledge_source').properties).not.toHaveProperty('agentId');
    expect(schemaOf('list_conversations').properties).not.toHaveProperty('agentId');

    const agent = await client.callTool({ name: 'get_agent', arguments: {} });
    expect(agent.structuredContent).toMatchObject({ id: agentId, name: 'Scoped' });
    const label = `Hours, added by ${line.name}`;
    const added = await client.callTool({ name: 'add_knowledge_source', arguments: { kind: 'text', label, text: 'Open at 8.' } });
    expect(added.isError).toBeFalsy();
    const sources = (await body(await platform.request('GET', `/agents/${agentId}/knowledge/sources`))).data as { label: string }[];
    expect(sources.map((source) => source.label)).toContain(label);

    // Naming another agent reaches nothing of it.
    const elsewhere = problemOf(await client.callTool({ name: 'update_agent', arguments: { id: otherAgentId, name: 'Hijacked' } }));
    expect(elsewhere).toMatchObject({ code: 'validation_error', errors: [{ field: 'id' }] });
    expect((await body(await platform.request('GET', `/agents/${otherAgentId}`))).data.name).toBe('Other');
  });

  it('scoped to one agent in the discovery profile, neither finds nor calls tools across agents', async () => {
    const client = await connect(`?agent=${agentId}&profile=discovery`);
    await client.listTools();
    const found = await client.callTool({ name: 'search_tools', arguments: { query: 'list agents', limit: 50 } });
    expect((found.structuredContent as { tools: { name: string }[] }).tools.map((tool) => tool.name)).not.toContain('list_agents');
    const described = await client.callTool({ name: 'describe_tool', arguments: { name: 'get_agent' } });
    expect((described.structuredContent as { inputSchema: { properties: object } }).inputSchema.properties).not.toHaveProperty('id');
    const agent = await client.callTool({ name: 'call_tool', arguments: { name: 'get_agent', arguments: {} } });
    expect(agent.structuredContent).toMatchObject({ id: agentId });
    expect(problemOf(await client.callTool({ name: 'call_tool', arguments: { name: 'list_agents', arguments: {} } })).code).toBe('not_found');
  });
});

describe('/mcp query parameters', () => {
  it('answer an unknown tool with a 400 validation_error naming it', async () => {
    const response = await post('?tools=get_agent,no_such_tool,nor_this');
    expect(response.status).toBe(400);
    const problem = await response.json();
    expect(problem).toMatchObject({ code: 'validation_error', errors: [{ field: 'tools', message: 'unknown: no_such_tool, nor_this' }] });
    expect(problem.detail).toContain('no_such_tool, nor_this');
  });

  it('answer an agent of another org, or none, with a 404 not_found', async () => {
    for (const id of [otherOrgAgentId, 'agt_01jabcdefghjkmnpqrstvwxyz0']) {
      const response = await post(`?agent=${id}`);
      expect(response.status).toBe(404);
      expect((await response.json()).code).toBe('not_found');
    }
    expect((await post(`?agent=${otherOrgAgentId}`, platform.orgB.apiKey.secret)).status).toBe(200);
  });
});

describe('flowyte mcp (stdio)', () => {
  let initialized: InitializedDataDir;
  let stdioAgentId: string;
  const env = () => ({ FLOWYTE_DATA_DIR: initialized.dataDir, FLOWYTE_API_KEY: initialized.apiKey });
  beforeAll(async () => {
    initialized = await initDataDir('Stdio Selection');
    const client = opened(await CLIENT_LINES[0].stdio({ command: process.execPath, args: ['bin/flowyte.js', 'mcp'], cwd: PACKAGE_ROOT, env: env() }));
    await client.listTools();
    stdioAgentId = ((await client.callTool({ name: 'create_agent', arguments: { name: 'Over stdio' } })).structuredContent as { id: string }).id;
  });
  afterAll(() => initialized.close());

  it.each(CLIENT_LINES)('with --agent and --tools, lists those tools that serve the agent and fills its id in ($name)', async (line) => {
    const args = ['bin/flowyte.js', 'mcp', '--agent', stdioAgentId, '--tools', 'get_agent,list_agents,list_voices'];
    const client = opened(await line.stdio({ command: process.execPath, args, cwd: PACKAGE_ROOT, env: env() }));
    expect(await names(client)).toEqual(['get_agent', 'list_voices']);
    expect((await client.callTool({ name: 'get_agent', arguments: {} })).structuredContent).toMatchObject({ id: stdioAgentId, name: 'Over stdio' });
  });

  it('exits 2 naming an unknown tool, or an agent the key\'s org does not have', async () => {
    const unknownTool = await runCli(['mcp', '--tools', 'get_agent,no_such_tool'], { env: env() });
    expect(unknownTool.code).toBe(2);
    expect(unknownTool.stderr).toContain('unknown tool no_such_tool');
    const unknownAgent = await runCli(['mcp', '--agent', 'agt_01jabcdefghjkmnpqrstvwxyz0'], { env: env() });
    expect(unknownAgent.code).toBe(2);
    expect(unknownAgent.stderr).toContain('agent agt_01jabcdefghjkmnpqrstvwxyz0 was not found');
  });
});
