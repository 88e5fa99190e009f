/**
 * /mcp as a remote connector sees it, with both MCP client lines on a real port: elicitation over
 * Streamable HTTP, the 401 challenge and RFC 9728 metadata, the declared capabilities and
 * argument completion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as auth1 from '@modelcontextprotocol/sdk/client/auth.js';
import { discoverOAuthProtectedResourceMetadata as discover2, extractWWWAuthenticateParams as challenge2 } from '@modelcontextprotocol/client';
import { body, createPlatform, problemOf, type Platform } from '../helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { CLIENT_LINES, type ElicitAnswer } from '../fixtures/mcp-clients.ts';
import { SECRET_KEY_SCOPES } from '../../src/auth/scopes.ts';

const opened = closeAfterEach();
/** A raw 2025 `initialize`, as a client opens a session with it. */
const INITIALIZE = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
const POST_HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };
let platform: Platform;
let server: Listening;
let mcpUrl: URL;

beforeAll(async () => {
  platform = createPlatform();
  server = await listen(platform.app);
  mcpUrl = new URL(`${server.origin}/mcp`);
});
afterAll(async () => {
  await server.close();
  platform.close();
});

async function newAgent(name: string, token = platform.orgA.apiKey.secret): Promise<string> {
  return (await body(await platform.request('POST', '/agents', { body: { name }, token }))).data.id;
}

const agentStatus = async (id: string) => (await platform.request('GET', `/agents/${id}`)).status;

describe.each(CLIENT_LINES)('over Streamable HTTP, an MCP client of $name', (line) => {
  const connect = (elicit?: (message: string) => ElicitAnswer) => line.http(mcpUrl, platform.orgA.apiKey.secret, { elicit }).then(opened);

  it('confirms a destructive call through elicitation on the call\'s own stream, and it runs', async () => {
    const id = await newAgent('Elicited away');
    const asked: string[] = [];
    const client = await connect((message) => {
      asked.push(message);
      return { action: 'accept', content: { confirm: true } };
    });
    const deleted = await client.callTool({ name: 'delete_agent', arguments: { id } });
    expect(deleted.structuredContent).toEqual({ id, deleted: true });
    expect(asked).toEqual([expect.stringContaining(`delete_agent: id="${id}"`)]);
    expect(await agentStatus(id)).toBe(404);
  });

  it('does nothing when the user declines, and says so', async () => {
    const id = await newAgent('Declined');
    const client = await connect(() => ({ action: 'decline' }));
    const problem = problemOf(await client.callTool({ name: 'delete_agent', arguments: { id } }));
    expect(problem.code).toBe('confirmation_required');
    expect(problem.detail).toMatch(/^not done: the user did not confirm/);
    expect(problem.confirmationId).toBeUndefined();
    const unticked = await connect(() => ({ action: 'accept', content: { confirm: false } }));
    expect(problemOf(await unticked.callTool({ name: 'delete_agent', arguments: { id } })).detail).toMatch(/^not done: the user declined/);
    expect(await agentStatus(id)).toBe(200);
  });

  it('without elicitation, answers confirmation_required with a confirmationId', async () => {
    const id = await newAgent('Confirmed by id');
    const client = await connect();
    const first = problemOf(await client.callTool({ name: 'delete_agent', arguments: { id } }));
    expect(first).toMatchObject({ code: 'confirmation_required', confirmationId: expect.stringMatching(/^cfm_/) });
    expect(await agentStatus(id)).toBe(200);
    const deleted = await client.callTool({ name: 'delete_agent', arguments: { id, confirmationId: first.confirmationId } });
    expect(deleted.structuredContent).toEqual({ id, deleted: true });
  });

  it('declares only what it delivers: no list-changed notifications, completions', async () => {
    const capabilities = (await connect()).serverCapabilities();
    expect(capabilities).toMatchObject({
      tools: { listChanged: false },
      resources: { listChanged: false },
      prompts: { listChanged: false },
      completions: {},
    });
  });

  it('completes agent ids from the caller\'s own org, by id prefix and by name', async () => {
    // The platform outlives this test: each line makes agents of its own names.
    const tag = line.name.replace(/\W/g, '');
    const dental = await newAgent(`Dental front desk ${tag}`);
    const plumbing = await newAgent(`Plumbing dispatch ${tag}`);
    const foreign = await newAgent(`Dental elsewhere ${tag}`, platform.orgB.apiKey.secret);
    const client = await connect();
    const template = { type: 'ref/resource', uri: 'flowyte://agents/{id}/config' } as const;
    const prompt = { type: 'ref/prompt', name: 'review_before_publishing' } as const;

    expect(await client.complete({ ref: template, argument: { name: 'id', value: `desk ${tag.toLowerCase()}` } })).toEqual([dental]);
    expect(await client.complete({ ref: prompt, argument: { name: 'agentId', value: `DISPATCH ${tag.toUpperCase()}` } })).toEqual([plumbing]);
    expect(await client.complete({ ref: prompt, argument: { name: 'agentId', value: plumbing.slice(0, -3) } })).toEqual([plumbing]);
    const all = await client.complete({ ref: template, argument: { name: 'id', value: '' } });
    expect(all).toEqual(expect.arrayContaining([dental, plumbing]));
    expect(all).not.toContain(foreign);
    expect(await client.complete({ ref: template, argument: { name: 'id', value: foreign } })).toEqual([]);
    expect(await client.complete({ ref: prompt, argument: { name: 'agentId', value: 'nothing like it' } })).toEqual([]);
  });

  it('takes a body as large as the largest tool accepts, past the SDK\'s 4 MiB default', async () => {
    const content = Buffer.alloc(6 * 1024 * 1024, 'Open 9 to 5. ');
    const client = opened(await line.http(new URL('?toolsets=knowledge', mcpUrl), platform.orgA.apiKey.secret));
    const uploaded = await client.callTool({
      name: 'upload_file',
      arguments: { filename: 'hours.txt', contentType: 'text/plain', contentBase64: content.toString('base64') },
    });
    expect(uploaded.structuredContent).toMatchObject({ filename: 'hours.txt', sizeBytes: content.length });
  });

  it('without a key, fails to connect with the 401 and its challenge', async () => {
    // 1.x throws a StreamableHTTPError whose code is the status, 2.x an SdkHttpError with a status.
    const refused = await line.http(mcpUrl, undefined).then(
      () => undefined,
      (error: { code?: unknown; status?: number; message: string }) => error,
    );
    expect(refused?.status ?? refused?.code).toBe(401);
    expect(refused?.message).toContain('"code":"unauthorized"');
  });
});

describe('authorization metadata (RFC 9728)', () => {
  const post = (headers: Record<string, string>) =>
    fetch(mcpUrl, {
      method: 'POST',
      headers: { ...POST_HEADERS, ...headers },
      body: INITIALIZE,
    });
  const metadataUrl = () => `${platform.services.config.publicBaseUrl}/.well-known/oauth-protected-resource`;

  it('answers a request without a key 401 with a Bearer challenge naming the metadata, and the problem', async () => {
    const response = await post({});
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="flowyte", resource_metadata="${metadataUrl()}"`);
    expect(await response.json()).toMatchObject({ code: 'unauthorized', status: 401 });
    // Both client lines read the challenge the same way.
    expect(String(auth1.extractWWWAuthenticateParams(response).resourceMetadataUrl)).toBe(metadataUrl());
    expect(String(challenge2(response).resourceMetadataUrl)).toBe(metadataUrl());
  });

  it('says invalid_token for a key that is not valid', async () => {
    const response = await post({ Authorization: 'Bearer flowyte_sk_not_a_real_key' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer realm="flowyte", resource_metadata="${metadataUrl()}", error="invalid_token", error_description="The key is unknown, revoked or expired"`,
    );
    expect((await response.json()).code).toBe('unauthorized');
  });

  it('serves the metadata that both client lines discover, for the server and for /mcp', async () => {
    const base = platform.services.config.publicBaseUrl;
    const expected = {
      resource_name: 'Flowyte',
      bearer_methods_supported: ['header'],
      scopes_supported: [...SECRET_KEY_SCOPES, 'chat:public'],
      resource_documentation: `${base}/docs`,
    };
    // The challenge's URL, as a client follows it; then the path-suffixed URL clients try first for /mcp.
    const fromChallenge = await auth1.discoverOAuthProtectedResourceMetadata(mcpUrl, { resourceMetadataUrl: new URL(`${server.origin}/.well-known/oauth-protected-resource`) });
    expect(fromChallenge).toEqual({ resource: base, ...expected });
    expect(fromChallenge.authorization_servers).toBeUndefined();
    expect(await auth1.discoverOAuthProtectedResourceMetadata(mcpUrl)).toEqual({ resource: `${base}/mcp`, ...expected });
    expect(await discover2(mcpUrl)).toEqual({ resource: `${base}/mcp`, ...expected });
    const response = await fetch(`${server.origin}/.well-known/oauth-protected-resource/mcp`, { headers: { Origin: 'https://connector.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });
});

/** A POST to /mcp in-process, as org A's key unless the headers say otherwise. */
const mcpPost = (target: Platform, headers: Record<string, string>, payload: string) =>
  target.app.request('/mcp', { method: 'POST', headers: { Authorization: `Bearer ${target.orgA.apiKey.secret}`, ...POST_HEADERS, ...headers }, body: payload });
const initialize = (target: Platform, headers: Record<string, string> = {}) => mcpPost(target, headers, INITIALIZE);

describe('Host validation (DNS rebinding)', () => {
  it('refuses a Host that is not one of the server\'s names with 403 host_not_allowed, before any key check', async () => {
    const refused = await initialize(platform, { Host: 'rebound.example:8787' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'host_not_allowed', status: 403 });
    expect((await platform.app.request('/mcp', { method: 'POST', headers: { Host: 'rebound.example' } })).status).toBe(403);
    expect((await initialize(platform, { Host: 'localhost:8787' })).status).toBe(200);
    expect((await initialize(platform, { Host: '[::1]:8787' })).status).toBe(200);
  });

  it('accepts the public URL\'s host and the names in FLOWYTE_MCP_ALLOWED_HOSTS', async () => {
    const proxied = createPlatform({ publicBaseUrl: 'https://agents.example.com', mcpAllowedHosts: ['mcp.example.net', 'alias.example.org:8443'] });
    try {
      for (const host of ['agents.example.com', 'mcp.example.net:443', 'alias.example.org']) expect((await initialize(proxied, { Host: host })).status).toBe(200);
      expect((await body(await initialize(proxied, { Host: 'other.example.com' }))).code).toBe('host_not_allowed');
    } finally {
      proxied.close();
    }
  });

  it('refuses a foreign browser Origin with 403 origin_not_allowed', async () => {
    const refused = await initialize(platform, { Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect((await body(refused)).code).toBe('origin_not_allowed');
    expect((await initialize(platform, { Origin: 'http://localhost:3000' })).status).toBe(200);
  });
});

describe('2025-era sessions', () => {
  const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
  async function openSession(target: Platform, token = target.orgA.apiKey.secret): Promise<string> {
    const opening = await initialize(target, { Authorization: `Bearer ${token}` });
    await opening.text();
    return String(opening.headers.get('mcp-session-id'));
  }
  const inSession = (target: Platform, sessionId: string, token = target.orgA.apiKey.secret) =>
    mcpPost(target, { Authorization: `Bearer ${token}`, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': '2025-06-18' }, TOOLS_LIST);

  it('belong to the key that opened them: another key gets 404, as after the session is closed', async () => {
    const sessionId = await openSession(platform);
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const foreign = await inSession(platform, sessionId, platform.orgB.apiKey.secret);
    expect(foreign.status).toBe(404);
    expect((await foreign.json()).code).toBe('not_found');
    const own = await inSession(platform, sessionId);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('create_agent');
    const closed = await platform.app.request('/mcp', { method: 'DELETE', headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}`, 'Mcp-Session-Id': sessionId } });
    expect(closed.status).toBe(200);
    expect((await inSession(platform, sessionId)).status).toBe(404);
  });

  it('refuse a request without a session id that is not an initialize', async () => {
    const refused = await mcpPost(platform, { Authorization: `Bearer ${platform.orgA.apiKey.secret}` }, TOOLS_LIST);
    expect(refused.status).toBe(400);
  });

  it('close after 30 minutes without a request, and past 32 per key the least recently used', async () => {
    let now = new Date('2026-03-02T09:00:00Z');
    const clocked = createPlatform({}, undefined, () => now);
    try {
      const idle = await openSession(clocked);
      const busy = await openSession(clocked);
      now = new Date('2026-03-02T09:20:00Z');
      expect((await inSession(clocked, busy)).status).toBe(200);
      now = new Date('2026-03-02T09:31:00Z');
      const sessions = [await openSession(clocked)];
      expect((await inSession(clocked, idle)).status).toBe(404);
      expect((await inSession(clocked, busy)).status).toBe(200);
      // busy was used last at 09:31; 31 more (32 with busy) fill the key's allowance.
      for (let index = 1; index < 31; index++) sessions.push(await openSession(clocked));
      now = new Date('2026-03-02T09:32:00Z');
      expect((await inSession(clocked, busy)).status).toBe(200);
      const another = await openSession(clocked);
      expect((await inSession(clocked, sessions[0])).status).toBe(404);
      for (const kept of [busy, sessions[1], another]) expect((await inSession(clocked, kept)).status).toBe(200);
      // Another key's allowance is its own.
      expect((await inSession(clocked, await openSession(clocked, clocked.orgB.apiKey.secret), clocked.orgB.apiKey.secret)).status).toBe(200);
    } finally {
      clocked.close();
    }
  });
});
