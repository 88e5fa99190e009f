import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/client/stdio';
import { body, createPlatform, problemOf, quietLogger, type Platform } from '../helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { initDataDir, PACKAGE_ROOT } from '../fixtures/cli.ts';
import { createServices } from '../../src/services.ts';
import { loadConfig } from '../../src/config.ts';
import { buildMcpServer } from '../../src/mcp/server.ts';
import { stdioSession } from '../../src/mcp/stdio.ts';
import { DEFAULT_MCP_OPTIONS } from '../../src/mcp/selection.ts';

describe('MCP over Streamable HTTP at /mcp', () => {
  let platform: Platform;
  let server: Listening;
  let base: string;

  beforeAll(async () => {
    platform = createPlatform();
    server = await listen(platform.app);
    base = server.origin;
  });
  afterAll(async () => {
    await server.close();
    platform.close();
  });

  async function connect(options: { query?: string; token?: string; modern?: boolean; elicitation?: boolean } = {}): Promise<Client> {
    const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp${options.query ?? ''}`), {
      requestInit: { headers: { Authorization: `Bearer ${options.token ?? platform.orgA.apiKey.secret}` } },
    });
    const client = new Client(
      { name: 'http-test', version: '1.0.0' },
      {
        capabilities: options.elicitation ? { elicitation: { form: {} } } : {},
        ...(options.modern ? { versionNegotiation: { mode: 'auto' as const } } : {}),
      },
    );
    await client.connect(transport);
    return client;
  }

  it('serves the same tools and data as REST, with the caller\'s key', async () => {
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Over HTTP' } }))).data;
    const client = await connect();
    const result = await client.callTool({ name: 'get_agent', arguments: { id: agent.id } });
    expect(result.structuredContent).toEqual(agent);
    const otherOrg = await connect({ token: platform.orgB.apiKey.secret });
    const hidden = await otherOrg.callTool({ name: 'get_agent', arguments: { id: agent.id } });
    expect(problemOf(hidden).code).toBe('not_found');
    await client.close();
    await otherOrg.close();
  });

  it('honours ?toolsets= and rejects an unknown toolset', async () => {
    const client = await connect({ query: '?toolsets=voices' });
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['get_voice_facets', 'list_voices', 'search_voices']);
    await client.close();
    const response = await fetch(`${base}/mcp?toolsets=bogus`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('validation_error');
  });

  it('declares the same capabilities, and completes, on the 2026-07-28 protocol', async () => {
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Complete me on 2026' } }))).data;
    const client = await connect({ modern: true });
    expect(client.getServerCapabilities()).toMatchObject({
      tools: { listChanged: false },
      resources: { listChanged: false },
      prompts: { listChanged: false },
      completions: {},
    });
    const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'review_before_publishing' }, argument: { name: 'agentId', value: 'me on 2026' } });
    expect(completed.completion.values).toEqual([agent.id]);
    await client.close();
  });

  it('elicits confirmation from clients on the 2026-07-28 protocol', async () => {
    const agent = (await body(await platform.request('POST', '/agents', { body: { name: 'Delete me too' } }))).data;
    const client = await connect({ modern: true, elicitation: true });
    let asked = 0;
    client.setRequestHandler('elicitation/create', async () => {
      asked += 1;
      return { action: 'accept', content: { confirm: true } };
    });
    const done = await client.callTool({ name: 'delete_agent', arguments: { id: agent.id } });
    expect(done.structuredContent).toEqual({ id: agent.id, deleted: true });
    expect(asked).toBe(1);
    await client.close();
  });
});

describe('flowyte mcp over stdio', () => {
  it('spawns the CLI and serves the key from FLOWYTE_API_KEY', async () => {
    const { dataDir, apiKey: key, close: removeDataDir } = await initDataDir('Stdio Org');
    expect(key).toMatch(/^flowyte_sk_/);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/flowyte.js', 'mcp', '--toolsets', 'agents,meta'],
      cwd: PACKAGE_ROOT,
      env: { ...getDefaultEnvironment(), FLOWYTE_DATA_DIR: dataDir, FLOWYTE_API_KEY: key },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    const account = await client.callTool({ name: 'get_account', arguments: {} });
    expect((account.structuredContent as { orgName: string }).orgName).toBe('Stdio Org');
    const created = await client.callTool({ name: 'create_agent', arguments: { name: 'From stdio' } });
    expect((created.structuredContent as { name: string }).name).toBe('From stdio');
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('publish_agent');
    expect(names).not.toContain('list_voices');
    await client.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Every call the child made is in the audit log once it has exited.
    const services = createServices(loadConfig({ FLOWYTE_DATA_DIR: dataDir }), { logger: quietLogger });
    const orgId = (services.db.prepare('SELECT id FROM orgs').get() as { id: string }).id;
    const logged = services.audit.list(orgId, {}, { limit: 10 }).items.map((entry) => `${entry.via} ${entry.endpoint} ${entry.status}`);
    expect(logged).toEqual(['mcp create_agent 201', 'mcp get_account 200']);
    services.close();
    removeDataDir();
  });

  it('stops serving a key at once when it is revoked while the process runs', async () => {
    const platform = createPlatform();
    const minted = platform.services.credentials.apiKeys.create(platform.orgA.org.id, { name: 'stdio host', scopes: ['agents:read'] });
    platform.services.config.apiKey = minted.secret;
    const server = buildMcpServer(stdioSession(platform.services, { ...DEFAULT_MCP_OPTIONS, toolsets: ['all'] }));
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: 'stdio-revocation', version: '1.0.0' });
    await client.connect(clientTransport);
    expect((await client.callTool({ name: 'list_agents', arguments: {} })).isError).toBeFalsy();
    platform.services.credentials.apiKeys.revoke(minted.key);
    const refused = await client.callTool({ name: 'list_agents', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toContain('unauthorized');
    await client.close();
    platform.close();
  });
});
