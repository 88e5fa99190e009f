import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProtocolError } from '@modelcontextprotocol/client';
import { body, connectMcp, createPlatform, problemOf, type Platform } from '../helpers.ts';
import { TOOLS } from '../../src/tools/index.ts';

let platform: Platform;
beforeEach(() => {
  platform = createPlatform();
});
afterEach(() => platform.close());

async function newAgent(name = 'Agent'): Promise<string> {
  return (await body(await platform.request('POST', '/agents', { body: { name } }))).data.id;
}

describe('tools/list', () => {
  it('sets all four hints from the flags', async () => {
    const client = await connectMcp(platform);
    const { tools } = await client.listTools();
    const remove = tools.find((tool) => tool.name === 'delete_agent');
    expect(remove?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false });
    const get = tools.find((tool) => tool.name === 'get_agent');
    expect(get?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    // A secret key sees every tool it can call: neither widget (publishable) nor dashboard-only (session) ones.
    expect(tools).toHaveLength(TOOLS.filter((tool) => tool.auth === 'secret' || tool.auth === 'any').length);
  });

  it('loads only the toolsets asked for, and the default profile when none are', async () => {
    const voicesOnly = await connectMcp(platform, { mcp: { toolsets: ['voices'] } });
    expect((await voicesOnly.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['get_voice_facets', 'list_voices', 'search_voices']);
    const defaults = await connectMcp(platform, { mcp: { toolsets: [] } });
    const names = (await defaults.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('create_agent');
    expect(names).not.toContain('list_audit_logs');
  });

  it('read-only mode wins over the toolsets and refuses writes as unknown tools', async () => {
    const client = await connectMcp(platform, { mcp: { toolsets: ['all'], readOnly: true } });
    const { tools } = await client.listTools();
    expect(tools.every((tool) => tool.annotations?.readOnlyHint)).toBe(true);
    await expect(client.callTool({ name: 'create_agent', arguments: { name: 'x' } })).rejects.toBeInstanceOf(ProtocolError);
  });

  it('lists to a widget visitor the tools a publishable key can call, and nothing else', async () => {
    const agentId = await newAgent('Widget');
    const key = (await body(await platform.request('POST', `/agents/${agentId}/publishable-keys`, { body: { name: 'Site', allowedOrigins: ['https://shop.example'] } }))).data;
    const client = await connectMcp(platform, { token: key.keyPublic, mcp: { toolsets: [] } });
    const listed = (await client.listTools()).tools.map((tool) => tool.name).sort();
    expect(listed).toEqual(TOOLS.filter((tool) => tool.auth === 'publishable' || tool.auth === 'any').map((tool) => tool.name).sort());
  });

  it('keeps an unknown tool a protocol error', async () => {
    const client = await connectMcp(platform);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('discovery profile', () => {
  it('reaches every operation through search_tools, describe_tool and call_tool', async () => {
    const client = await connectMcp(platform, { mcp: { profile: 'discovery', toolsets: [] } });
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['search_tools', 'describe_tool', 'call_tool']);
    const found = await client.callTool({ name: 'search_tools', arguments: { query: 'publish an agent' } });
    expect((found.structuredContent as { tools: { name: string }[] }).tools[0].name).toBe('publish_agent');
    const described = await client.callTool({ name: 'describe_tool', arguments: { name: 'list_audit_logs' } });
    expect((described.structuredContent as { inputSchema: { properties: object } }).inputSchema.properties).toHaveProperty('actorType');
    const created = await client.callTool({ name: 'call_tool', arguments: { name: 'create_agent', arguments: { name: 'Found me' } } });
    expect((created.structuredContent as { name: string }).name).toBe('Found me');
    const missing = await client.callTool({ name: 'call_tool', arguments: { name: 'nope', arguments: {} } });
    expect(problemOf(missing).code).toBe('not_found');
  });

  it('in read-only mode, call_tool cannot reach a write', async () => {
    const client = await connectMcp(platform, { mcp: { profile: 'discovery', toolsets: [], readOnly: true } });
    const result = await client.callTool({ name: 'call_tool', arguments: { name: 'create_agent', arguments: { name: 'x' } } });
    expect(result.isError).toBe(true);
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);
  });
});

describe('destructive tools', () => {
  it('without elicitation, run only after a second call with the confirmationId bound to the same arguments', async () => {
    const id = await newAgent();
    const other = await newAgent('Other');
    const client = await connectMcp(platform);
    const first = await client.callTool({ name: 'delete_agent', arguments: { id } });
    expect(first.isError).toBe(true);
    const problem = problemOf(first);
    expect(problem.code).toBe('confirmation_required');
    expect(problem.summary).toContain(id);
    expect((await platform.request('GET', `/agents/${id}`)).status).toBe(200);

    const wrongArguments = await client.callTool({ name: 'delete_agent', arguments: { id: other, confirmationId: problem.confirmationId } });
    expect(problemOf(wrongArguments).code).toBe('confirmation_required');
    expect((await platform.request('GET', `/agents/${other}`)).status).toBe(200);

    const again = await client.callTool({ name: 'delete_agent', arguments: { id } });
    const confirmationId = problemOf(again).confirmationId;
    const confirmed = await client.callTool({ name: 'delete_agent', arguments: { id, confirmationId } });
    expect(confirmed.structuredContent).toEqual({ id, deleted: true });
    const reused = await client.callTool({ name: 'delete_agent', arguments: { id, confirmationId } });
    expect(problemOf(reused).code).toBe('confirmation_required');
  });

  it('expire their confirmationId after the TTL', async () => {
    platform.close();
    platform = createPlatform({ confirmationTtlSeconds: 0 });
    const id = await newAgent();
    const client = await connectMcp(platform);
    const first = await client.callTool({ name: 'delete_agent', arguments: { id } });
    const confirmationId = problemOf(first).confirmationId;
    const late = await client.callTool({ name: 'delete_agent', arguments: { id, confirmationId } });
    expect(problemOf(late).code).toBe('confirmation_required');
    expect((await platform.request('GET', `/agents/${id}`)).status).toBe(200);
  });

  it('ask the user through elicitation when the client supports it', async () => {
    const id = await newAgent();
    const client = await connectMcp(platform, { elicitation: true });
    const asked: string[] = [];
    let answer = false;
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(String(request.params.message));
      return { action: 'accept', content: { confirm: answer } };
    });
    const declined = await client.callTool({ name: 'delete_agent', arguments: { id } });
    expect(declined.isError).toBe(true);
    expect((await platform.request('GET', `/agents/${id}`)).status).toBe(200);
    answer = true;
    const accepted = await client.callTool({ name: 'delete_agent', arguments: { id } });
    expect(accepted.structuredContent).toEqual({ id, deleted: true });
    expect(asked[0]).toContain(`Delete an agent (delete_agent: id="${id}")`);
  });

  it('check permission and input before asking for confirmation', async () => {
    const client = await connectMcp(platform, { token: platform.keyWith(['agents:read']) });
    const result = await client.callTool({ name: 'delete_agent', arguments: { id: 'agt_x' } });
    expect(problemOf(result).code).toBe('insufficient_scope');
  });
});

describe('resources and prompts', () => {
  it('expose each agent\'s compiled config, the OpenAPI document and the build guide', async () => {
    const id = await newAgent('Config me');
    const client = await connectMcp(platform);
    const { resources } = await client.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toEqual(expect.arrayContaining([`flowyte://agents/${id}/config`, 'flowyte://openapi.json', 'flowyte://guides/build-an-agent']));
    const config = await client.readResource({ uri: `flowyte://agents/${id}/config` });
    expect(JSON.parse(String((config.contents[0] as { text: string }).text)).compiledDraft.agent.name).toBe('Config me');
    const openApi = await client.readResource({ uri: 'flowyte://openapi.json' });
    expect(JSON.parse(String((openApi.contents[0] as { text: string }).text)).openapi).toBe('3.1.0');
    const guide = await client.readResource({ uri: 'flowyte://guides/build-an-agent' });
    expect(String((guide.contents[0] as { text: string }).text)).toContain('publish_agent');
  });

  it('offer the OpenAPI document per toolset, with only the components its operations use', async () => {
    const client = await connectMcp(platform);
    const { resources } = await client.listResources();
    const whole = resources.find((resource) => resource.uri === 'flowyte://openapi.json');
    const wholeText = String(((await client.readResource({ uri: 'flowyte://openapi.json' })).contents[0] as { text: string }).text);
    expect(whole?.description).toContain(`(${Math.round(wholeText.length / 1024)} KB)`);
    expect(resources.map((resource) => resource.uri)).toEqual(expect.arrayContaining(['flowyte://openapi/agents.json', 'flowyte://openapi/chat.json']));
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toContain('flowyte://openapi/{toolset}.json');

    const read = async (toolset: string) =>
      JSON.parse(String(((await client.readResource({ uri: `flowyte://openapi/${toolset}.json` })).contents[0] as { text: string }).text));
    const agents = await read('agents');
    const operations = Object.values(agents.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(operations.sort()).toEqual(TOOLS.filter((tool) => tool.toolset === 'agents').map((tool) => tool.name).sort());
    // Every reference resolves, and only what the area uses is there.
    const unresolved = (document: { components: { schemas: object } }) =>
      [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(([, name]) => name).filter((name) => !(name in document.components.schemas));
    expect(unresolved(agents)).toEqual([]);
    expect(Object.keys(agents.components.schemas)).toEqual(expect.arrayContaining(['Agent', 'AgentVersion', 'Problem']));
    expect(Object.keys(agents.components.schemas)).not.toContain('ChatSession');
    expect(JSON.stringify(agents).length).toBeLessThan(wholeText.length / 4);
    // The OpenAI-wire operations of chat answer failures in OpenAI's shape, which builds on Problem.
    const chat = await read('chat');
    expect(unresolved(chat)).toEqual([]);
    expect(Object.keys(chat.components.schemas)).toEqual(expect.arrayContaining(['OpenAIProblem', 'Problem', 'ChatSession']));
    expect(Object.keys(chat.components.schemas)).not.toContain('Agent');
    await expect(client.readResource({ uri: 'flowyte://openapi/bogus.json' })).rejects.toThrow(/unknown toolset bogus/);
  });

  it('scoped to one agent, list and read only that agent\'s config', async () => {
    const id = await newAgent('Scoped');
    const other = await newAgent('Other');
    const client = await connectMcp(platform, { mcp: { agentId: id } });
    const configs = (await client.listResources()).resources.map((resource) => resource.uri).filter((uri) => uri.startsWith('flowyte://agents/'));
    expect(configs).toEqual([`flowyte://agents/${id}/config`]);
    await expect(client.readResource({ uri: `flowyte://agents/${other}/config` })).rejects.toThrow(/not found/);
  });

  it('do not show another org\'s agent config', async () => {
    const id = await newAgent();
    const client = await connectMcp(platform, { token: platform.orgB.apiKey.secret });
    await expect(client.readResource({ uri: `flowyte://agents/${id}/config` })).rejects.toThrow(/not found/);
    expect((await client.listResources()).resources.map((resource) => resource.uri)).not.toContain(`flowyte://agents/${id}/config`);
  });

  it('offer prompts for the common jobs', async () => {
    const client = await connectMcp(platform);
    const { prompts } = await client.listPrompts();
    expect(prompts.map((prompt) => prompt.name).sort()).toEqual(['build_agent_from_website', 'review_before_publishing']);
    const prompt = await client.getPrompt({ name: 'review_before_publishing', arguments: { agentId: 'agt_1' } });
    expect(JSON.stringify(prompt.messages)).toContain('get_prepublish_report');
  });
});

describe('audit', () => {
  it('records every MCP tool call with its status', async () => {
    const client = await connectMcp(platform);
    await client.callTool({ name: 'list_agents', arguments: {} });
    await client.callTool({ name: 'get_agent', arguments: { id: 'agt_missing' } });
    const logs = (await body(await platform.request('GET', '/audit-logs'))).data;
    const viaMcp = logs.filter((entry: { via: string }) => entry.via === 'mcp');
    expect(viaMcp.map((entry: { endpoint: string; status: number }) => [entry.endpoint, entry.status])).toEqual([
      ['get_agent', 404],
      ['list_agents', 200],
    ]);
  });
});
