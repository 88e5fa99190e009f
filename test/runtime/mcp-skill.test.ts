import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { z } from 'zod';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { body, createPlatform, type Platform } from '../helpers.ts';
import { createChatPlatform, type ChatPlatform } from '../chat-helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { UNAVAILABLE } from '../../src/runtime/skills/kind.ts';

const TOKEN = 'Bearer shop-secret';

/** An operator's MCP server on a real port: two order tools behind a bearer token, recording what arrives. */
interface ShopServer {
  url: string;
  /** Authorization header of every request that reached the MCP handler. */
  authorizations: string[];
  /** Arguments of every tools/call, by tool. */
  calls: { tool: string; input: Record<string, unknown> }[];
  close(): Promise<void>;
}

async function startShopServer(): Promise<ShopServer> {
  const authorizations: string[] = [];
  const calls: ShopServer['calls'] = [];
  const handler = createMcpHandler(() => {
    const server = new McpServer({ name: 'shop', version: '1.0.0' });
    server.registerTool(
      'lookup_order',
      { description: 'Where an order is.', inputSchema: z.object({ order_id: z.string().describe('The order number') }) },
      async ({ order_id }) => {
        calls.push({ tool: 'lookup_order', input: { order_id } });
        const order = { order_id, status: 'shipped', eta: 'Friday' };
        return { structuredContent: order, content: [{ type: 'text', text: JSON.stringify(order) }] };
      },
    );
    server.registerTool(
      'cancel_order',
      { description: 'Cancel an order.', inputSchema: z.object({ order_id: z.string().describe('The order number') }) },
      async ({ order_id }) => {
        calls.push({ tool: 'cancel_order', input: { order_id } });
        return { isError: true, content: [{ type: 'text', text: `Order ${order_id} has shipped and cannot be cancelled.` }] };
      },
    );
    return server;
  });
  const app = new Hono();
  app.all('/mcp', async (c) => {
    const authorization = c.req.header('authorization') ?? '';
    authorizations.push(authorization);
    if (authorization !== TOKEN) return c.json({ error: 'unauthorized' }, 401);
    return handler.fetch(c.req.raw);
  });
  const listening: Listening = await listen(app);
  return {
    url: `${listening.origin}/mcp`,
    authorizations,
    calls,
    close: async () => {
      await handler.close();
      await listening.close();
    },
  };
}

const orderStatusSkill = (url: string, overrides: Record<string, unknown> = {}) => ({
  name: 'Check order status',
  description: 'Look up where an order is: its status and delivery date, by order number.',
  skillType: 'mcp',
  executionConfig: { serverUrl: url, toolName: 'lookup_order', headers: { Authorization: TOKEN } },
  ...overrides,
});

let shop: ShopServer;
let platform: Platform | undefined;
let chat: ChatPlatform | undefined;
beforeEach(async () => {
  shop = await startShopServer();
});
afterEach(async () => {
  platform?.close();
  platform = undefined;
  chat?.background.stop();
  chat?.close();
  chat = undefined;
  await shop.close();
});

async function newAgent(on: Platform): Promise<string> {
  return (await body(await on.request('POST', '/agents', { body: { name: 'Shop desk' } }))).data.id;
}

describe('create_skill with skillType mcp', () => {
  it('discovers the parameters from the server\'s tool and keeps the headers secret', async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    const agentId = await newAgent(platform);
    const created = await platform.request('POST', `/agents/${agentId}/skills`, { body: orderStatusSkill(shop.url) });
    expect(created.status).toBe(201);
    const skill = (await body(created)).data;
    const fetched = (await body(await platform.request('GET', `/agents/${agentId}/skills/${skill.id}`))).data;
    expect(fetched.parametersSchema).toEqual({
      type: 'object',
      properties: { order_id: { type: 'string', description: 'The order number' } },
      required: ['order_id'],
    });
    expect(fetched.requiredParams).toEqual(['order_id']);
    expect(fetched.executionConfig).toEqual({ serverUrl: shop.url, toolName: 'lookup_order', headers: { Authorization: '(set)' }, timeout_ms: 10_000 });
    expect(shop.authorizations.length).toBeGreaterThan(0);
    expect(new Set(shop.authorizations)).toEqual(new Set([TOKEN]));
    expect(shop.calls).toEqual([]);
  });

  it('keeps a parametersSchema the operator gives, without asking the server', async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    const agentId = await newAgent(platform);
    const parametersSchema = { type: 'object', properties: { order_id: { type: 'string', description: 'Order number, e.g. A12345' } }, required: ['order_id'] };
    const created = await platform.request('POST', `/agents/${agentId}/skills`, { body: orderStatusSkill(shop.url, { parametersSchema }) });
    expect(created.status).toBe(201);
    expect((await body(created)).data.parametersSchema).toEqual(parametersSchema);
    expect(shop.authorizations).toEqual([]);
  });

  it('returns 400 naming executionConfig.toolName when the server has no such tool', async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    const agentId = await newAgent(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, {
      body: orderStatusSkill(shop.url, { executionConfig: { serverUrl: shop.url, toolName: 'track_parcel', headers: { Authorization: TOKEN } } }),
    });
    expect(response.status).toBe(400);
    const problem = await body(response);
    expect(problem.code).toBe('validation_error');
    expect(problem.errors).toEqual([{ field: 'executionConfig.toolName', message: 'is not a tool of the MCP server (its tools: lookup_order, cancel_order)' }]);
  });

  it('returns 422 when the server refuses the configured credentials', async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    const agentId = await newAgent(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, {
      body: orderStatusSkill(shop.url, { executionConfig: { serverUrl: shop.url, toolName: 'lookup_order', headers: { Authorization: 'Bearer wrong' } } }),
    });
    expect(response.status).toBe(422);
    const problem = await body(response);
    expect(problem.code).toBe('unprocessable');
    expect(problem.errors[0].field).toBe('executionConfig.serverUrl');
    expect(problem.detail).toBe(`executionConfig.serverUrl could not list its tools: The MCP server at ${new URL(shop.url).host} answered HTTP 401 (Error POSTing to endpoint: {"error":"unauthorized"})`);
  });

  it('refuses a private address unless the development switch is on (422 url_not_allowed)', async () => {
    platform = createPlatform({ allowPrivateNetwork: false });
    const agentId = await newAgent(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, { body: orderStatusSkill(shop.url) });
    expect(response.status).toBe(422);
    const problem = await body(response);
    expect(problem.code).toBe('url_not_allowed');
    expect(problem.errors).toEqual([{ field: 'executionConfig.serverUrl', message: expect.stringMatching(/^Refused to connect: 127\.0\.0\.1 is a loopback address/) }]);
    // Refused when saved even when nothing is discovered from the server (the parameters are given).
    const given = await platform.request('POST', `/agents/${agentId}/skills`, { body: { ...orderStatusSkill(shop.url), parametersSchema: { type: 'object', properties: {} } } });
    expect(given.status).toBe(422);
    expect((await body(given)).code).toBe('url_not_allowed');
    expect(shop.authorizations).toEqual([]);
  });

  it('rejects a serverUrl that is not http(s)', async () => {
    platform = createPlatform({ allowPrivateNetwork: true });
    const agentId = await newAgent(platform);
    const response = await platform.request('POST', `/agents/${agentId}/skills`, {
      body: orderStatusSkill(shop.url, { executionConfig: { serverUrl: 'ftp://shop.example/mcp', toolName: 'lookup_order' } }),
    });
    expect(response.status).toBe(400);
    expect((await body(response)).errors).toEqual([{ field: 'executionConfig.serverUrl', message: 'must be an http or https URL' }]);
  });
});

describe('mcp skills in a conversation', () => {
  async function addSkill(skill: Record<string, unknown>) {
    const response = await chat!.request('POST', `/agents/${chat!.agentId}/skills`, { body: skill });
    if (response.status !== 201) throw new Error(`adding a skill failed: ${JSON.stringify(await body(response))}`);
  }
  async function say(content: string) {
    const session = (await body(await chat!.request('POST', '/chat/sessions', { body: { agentId: chat!.agentId, draftMode: true } }))).data;
    return (await body(await chat!.request('POST', `/chat/sessions/${session.id}/messages`, { body: { content } }))).data;
  }

  it('call the server\'s tool with what the person said, with the configured headers, and answer from its result', async () => {
    chat = await createChatPlatform({ allowPrivateNetwork: true });
    await addSkill(orderStatusSkill(shop.url));
    shop.authorizations.length = 0;
    const turn = await say('What is the status of order A12345?');
    expect(shop.calls).toEqual([{ tool: 'lookup_order', input: { order_id: 'A12345' } }]);
    expect(new Set(shop.authorizations)).toEqual(new Set([TOKEN]));
    const call = turn.events.find((event: any) => event.type === 'tool_call');
    expect(call.data).toMatchObject({
      name: 'check_order_status',
      ok: true,
      input: { order_id: 'A12345' },
      output: { order_id: 'A12345', status: 'shipped', eta: 'Friday' },
    });
    expect(turn.messages[1].content).toBe('Done. order id: A12345, status: shipped, eta: Friday.');
  });

  it('turn a tool that reports an error into a failed call and a graceful reply', async () => {
    chat = await createChatPlatform({ allowPrivateNetwork: true });
    await addSkill({
      name: 'Cancel order',
      description: 'Cancel an order the caller no longer wants, by order number.',
      skillType: 'mcp',
      executionConfig: { serverUrl: shop.url, toolName: 'cancel_order', headers: { Authorization: TOKEN } },
    });
    const turn = await say('Please cancel my order A12345');
    expect(shop.calls).toEqual([{ tool: 'cancel_order', input: { order_id: 'A12345' } }]);
    const call = turn.events.find((event: any) => event.type === 'tool_call');
    expect(call.data).toMatchObject({
      name: 'cancel_order',
      ok: false,
      input: { order_id: 'A12345' },
      output: { error: 'the tool reported an error: Order A12345 has shipped and cannot be cancelled.', message: UNAVAILABLE },
    });
    expect(turn.messages[1].content).toBe(UNAVAILABLE);
  });

  it('fail gracefully when the server is gone by the time the tool is called', async () => {
    chat = await createChatPlatform({ allowPrivateNetwork: true });
    await addSkill(orderStatusSkill(shop.url));
    await shop.close();
    const turn = await say('What is the status of order A12345?');
    const call = turn.events.find((event: any) => event.type === 'tool_call');
    expect(call.data.ok).toBe(false);
    expect(call.data.output).toEqual({ error: expect.stringMatching(/^Request to 127\.0\.0\.1 failed \(ECONNREFUSED\)$/), message: UNAVAILABLE });
    expect(turn.messages[1].content).toBe(UNAVAILABLE);
    shop = await startShopServer();
  });
});
