import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { defineTool } from '../../src/tools/define.ts';
import { TOOLS } from '../../src/tools/index.ts';

// Tools that exercise conventions no shipped tool needs yet.
const reservedTool = defineTool({
  name: 'test_reserved',
  title: 'Reserved',
  description: 'A reserved operation.',
  http: { method: 'GET', path: '/test/reserved' },
  scope: 'agents:read',
  toolset: 'meta',
  flags: { reserved: true, readOnly: true },
  input: z.object({}),
  output: z.object({}),
  execute: async () => ({}),
});
const sessionTool = defineTool({
  name: 'test_session_only',
  title: 'Dashboard only',
  description: 'Only a dashboard session may call this.',
  http: { method: 'POST', path: '/test/session-only' },
  auth: 'session',
  toolset: 'meta',
  input: z.object({}),
  output: z.object({ actorType: z.string() }),
  execute: async (_input, context) => ({ actorType: context.actor.type }),
});
const widgetTool = defineTool({
  name: 'test_widget',
  title: 'Widget call',
  description: 'A publishable-key call.',
  http: { method: 'GET', path: '/test/widget' },
  auth: 'publishable',
  scope: 'chat:public',
  toolset: 'meta',
  input: z.object({}),
  output: z.object({ agentId: z.string() }),
  execute: async (_input, context) => ({ agentId: context.actor.agentId ?? '' }),
});
const streamingTool = defineTool({
  name: 'test_count',
  title: 'Count',
  description: 'Streams a few events then returns.',
  http: { method: 'POST', path: '/test/count' },
  scope: 'agents:read',
  toolset: 'meta',
  flags: { streaming: true },
  input: z.object({ to: z.number().int().min(0).max(5).describe('Count to.'), fail: z.boolean().default(false).describe('Fail at the end.') }),
  output: z.object({ counted: z.number() }),
  execute: async (input, context) => {
    for (let n = 1; n <= input.to; n += 1) context.emit({ type: 'tick', data: { n } });
    if (input.fail) throw new (await import('../../src/errors.ts')).FlowyteError('unprocessable', 'asked to fail');
    return { counted: input.to };
  },
});
const testTools = [...TOOLS, reservedTool, sessionTool, widgetTool, streamingTool];

let platform: Platform;
afterEach(() => platform.close());

describe('authentication and permissions', () => {
  it('answers 401 for a missing or unknown credential', async () => {
    platform = createPlatform();
    const missing = await platform.app.request('/api/v1/agents');
    expect(missing.status).toBe(401);
    const wrong = await platform.request('GET', '/agents', { token: 'flowyte_sk_not-a-real-key' });
    expect((await body(wrong)).code).toBe('unauthorized');
  });

  it('answers 403 operation_reserved for a reserved operation, not 404', async () => {
    platform = createPlatform({}, testTools);
    const response = await platform.request('GET', '/test/reserved');
    expect(response.status).toBe(403);
    expect((await body(response)).code).toBe('operation_reserved');
  });

  it('lets only a dashboard session call a dashboard-only operation', async () => {
    platform = createPlatform({}, testTools);
    const byKey = await platform.request('POST', '/test/session-only', { body: {} });
    expect(byKey.status).toBe(403);
    expect((await body(byKey)).code).toBe('dashboard_session_required');
    const bySession = await platform.request('POST', '/test/session-only', { body: {}, token: platform.orgA.session.token });
    expect((await body(bySession)).data).toEqual({ actorType: 'user' });
  });

  it('accepts a publishable key only from an allowed Origin, and only for public operations', async () => {
    platform = createPlatform({}, testTools);
    const agent = platform.services.agents.create(platform.orgA.org.id, { name: 'Widget agent' } as never);
    const token = platform.services.publishableKeys.create(platform.orgA.org.id, agent.id, 'live', {
      name: 'site',
      allowedOrigins: ['https://acme.example'],
      rateLimitRpm: null,
      requireIdentityVerification: false,
    }).keyPublic;
    const allowed = await platform.request('GET', '/test/widget', { token, headers: { Origin: 'https://acme.example' } });
    expect((await body(allowed)).data).toEqual({ agentId: agent.id });
    const otherOrigin = await platform.request('GET', '/test/widget', { token, headers: { Origin: 'https://evil.example' } });
    expect(otherOrigin.status).toBe(403);
    expect((await body(otherOrigin)).code).toBe('origin_not_allowed');
    const privateCall = await platform.request('GET', '/agents', { token, headers: { Origin: 'https://acme.example' } });
    expect(privateCall.status).toBe(403);
    const secretKeyOnWidget = await platform.request('GET', '/test/widget');
    expect(secretKeyOnWidget.status).toBe(403);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers once a key spends its minute', async () => {
    platform = createPlatform({ keyRateLimitPerMinute: 3 });
    const ok = await platform.request('GET', '/agents');
    expect(ok.headers.get('ratelimit-limit')).toBe('3');
    expect(ok.headers.get('ratelimit-remaining')).toBe('2');
    await platform.request('GET', '/agents');
    await platform.request('GET', '/agents');
    const limited = await platform.request('GET', '/agents');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect((await body(limited)).code).toBe('rate_limited');
    // Another key of the same org still has its own budget; org B is untouched.
    expect((await platform.request('GET', '/agents', { token: platform.orgA.session.token })).status).toBe(200);
    expect((await platform.request('GET', '/agents', { token: platform.orgB.apiKey.secret })).status).toBe(200);
  });

  it('counts /mcp and REST calls against the same budget', async () => {
    platform = createPlatform({ keyRateLimitPerMinute: 2 });
    await platform.request('GET', '/agents');
    await platform.request('GET', '/agents');
    const mcp = await platform.app.request('/mcp', {
      method: 'POST',
      headers: { Authorization: `Bearer ${platform.orgA.apiKey.secret}`, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(429);
  });

  it('also limits the org as a whole', async () => {
    platform = createPlatform({ orgRateLimitPerMinute: 2 });
    await platform.request('GET', '/agents');
    await platform.request('GET', '/agents', { token: platform.orgA.session.token });
    const limited = await platform.request('GET', '/agents', { token: platform.keyWith(['agents:read']) });
    expect(limited.status).toBe(429);
  });
});

describe('request plumbing', () => {
  it('echoes a request id and returns problem+json for unknown routes', async () => {
    platform = createPlatform();
    const response = await platform.request('GET', '/nothing-here', { headers: { 'X-Request-Id': 'req-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('req-123');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('rejects a body over the limit with 413 and writes nothing', async () => {
    platform = createPlatform({ maxBodyBytes: 2048 });
    const response = await platform.request('POST', '/agents', { body: { name: 'x', description: 'y'.repeat(5000) } });
    expect(response.status).toBe(413);
    expect((await body(response)).code).toBe('payload_too_large');
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);
  });

  it('rejects a body that is not JSON', async () => {
    platform = createPlatform();
    const response = await platform.request('POST', '/agents', { body: '{name:', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect((await body(response)).code).toBe('invalid_json');
  });

  it('serves the OpenAPI document and a reference page without a key', async () => {
    platform = createPlatform();
    const document = await body(await platform.app.request('/api/v1/openapi.json'));
    expect(document.openapi).toBe('3.1.0');
    expect(document.paths['/agents/{id}'].patch.operationId).toBe('update_agent');
    expect(document.paths['/agents/{id}'].patch.parameters).toContainEqual(expect.objectContaining({ name: 'If-Match', in: 'header' }));
    const page = await platform.app.request('/docs');
    expect(await page.text()).toContain('/api/v1/openapi.json');
  });
});

describe('streaming tools', () => {
  it('stream events as SSE and end with event: done carrying the result', async () => {
    platform = createPlatform({}, testTools);
    const response = await platform.request('POST', '/test/count', { body: { to: 2 } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toBe('event: tick\ndata: {"n":1}\n\nevent: tick\ndata: {"n":2}\n\nevent: done\ndata: {"counted":2}\n\n');
  });

  it('end with event: error carrying the problem when the work fails', async () => {
    platform = createPlatform({}, testTools);
    const text = await (await platform.request('POST', '/test/count', { body: { to: 1, fail: true } })).text();
    expect(text).toContain('event: error\ndata: {"type":"https://docs.flowyte.com/errors/unprocessable"');
  });

  it('answer a failure before the first event as a plain problem with its own status', async () => {
    platform = createPlatform({}, testTools);
    const response = await platform.request('POST', '/test/count', { body: { to: 0, fail: true } });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await body(response)).code).toBe('unprocessable');
  });

  it('send MCP progress notifications and return the result with the events', async () => {
    platform = createPlatform({}, testTools);
    const client = await connectMcp(platform, { tools: testTools });
    const progress: string[] = [];
    const result = await client.callTool({ name: 'test_count', arguments: { to: 3 } }, { onprogress: (update) => progress.push(String(update.message)) });
    expect(progress).toEqual(['tick: {"n":1}', 'tick: {"n":2}', 'tick: {"n":3}']);
    expect(result.structuredContent).toEqual({ result: { counted: 3 }, events: [1, 2, 3].map((n) => ({ type: 'tick', data: { n } })) });
  });
});
