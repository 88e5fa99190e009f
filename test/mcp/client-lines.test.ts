/**
 * The same scenarios with both MCP client lines (SDK 1.x, which most hosts ship, and 2.x) over both
 * transports, so that the two cannot drift. Both validate every structuredContent against the
 * tool's outputSchema and reject the whole result when it does not conform.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf } from '../helpers.ts';
import { createKnowledgePlatform, type KnowledgePlatform } from '../knowledge-helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { initDataDir, PACKAGE_ROOT, type InitializedDataDir } from '../fixtures/cli.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { CLIENT_LINES, type LineClient } from '../fixtures/mcp-clients.ts';

const UNKNOWN_AGENT = 'agt_01jabcdefghjkmnpqrstvwxyz0';
const opened = closeAfterEach();

/** List, create, a not-found error, and a delete confirmed by the confirmationId of a first call. */
async function agentLifecycle(client: LineClient): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names).toEqual(expect.arrayContaining(['create_agent', 'get_agent', 'delete_agent']));
  expect(tools.find((tool) => tool.name === 'create_agent')?.outputSchema).toBeDefined();

  const created = await client.callTool({ name: 'create_agent', arguments: { name: 'Both lines' } });
  expect(created.isError).toBeFalsy();
  const agent = created.structuredContent as { id: string; name: string };
  expect(agent.name).toBe('Both lines');

  const missing = problemOf(await client.callTool({ name: 'get_agent', arguments: { id: UNKNOWN_AGENT } }));
  expect(missing).toMatchObject({ code: 'not_found', status: 404 });

  const first = problemOf(await client.callTool({ name: 'delete_agent', arguments: { id: agent.id } }));
  expect(first.code).toBe('confirmation_required');
  expect(first.confirmationId).toMatch(/^cfm_/);
  expect(first.detail).toContain(String(first.confirmationId));
  const deleted = await client.callTool({ name: 'delete_agent', arguments: { id: agent.id, confirmationId: first.confirmationId } });
  expect(deleted.structuredContent).toEqual({ id: agent.id, deleted: true });
  expect(problemOf(await client.callTool({ name: 'get_agent', arguments: { id: agent.id } })).code).toBe('not_found');
}

describe.each(CLIENT_LINES)('an MCP client of $name', (line) => {
  describe('over Streamable HTTP', () => {
    let platform: KnowledgePlatform;
    let server: Listening;
    beforeAll(async () => {
      platform = await createKnowledgePlatform();
      server = await listen(platform.app);
    });
    afterAll(async () => {
      await server.close();
      platform.close();
    });
    const connect = async (query = '') => opened(await line.http(new URL(`${server.origin}/mcp${query}`), platform.orgA.apiKey.secret));

    it('creates, reads an unknown agent as a not_found result, and deletes with a confirmationId', async () => {
      await agentLifecycle(await connect());
    });

    it('in the discovery profile, answers call_tool failures and confirmations as text', async () => {
      const client = await connect('?profile=discovery');
      await client.listTools();
      const found = await client.callTool({ name: 'search_tools', arguments: { query: 'delete an agent' } });
      expect((found.structuredContent as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toContain('delete_agent');
      const call = (name: string, args: Record<string, unknown>) => client.callTool({ name: 'call_tool', arguments: { name, arguments: args } });
      expect(problemOf(await call('get_agent', { id: UNKNOWN_AGENT })).code).toBe('not_found');
      expect(problemOf(await call('no_such_tool', {})).code).toBe('not_found');
      const agent = (await call('create_agent', { name: 'Discovered' })).structuredContent as { id: string };
      const first = problemOf(await call('delete_agent', { id: agent.id }));
      expect(first.code).toBe('confirmation_required');
      const deleted = await call('delete_agent', { id: agent.id, confirmationId: first.confirmationId });
      expect(deleted.structuredContent).toEqual({ id: agent.id, deleted: true });
    });

    it('streams a tool with progress notifications and a result that conforms to its outputSchema', async () => {
      const source = await platform.addSource({ kind: 'text', label: 'Hours', text: 'We open at 8am on weekdays.' });
      await platform.drain();
      const client = await connect('?toolsets=knowledge');
      await client.listTools();
      const progress: string[] = [];
      const streamed = await client.callTool(
        { name: 'stream_knowledge_source', arguments: { agentId: platform.agentId, id: source.id } },
        { onProgress: (message) => progress.push(message) },
      );
      expect(streamed.isError).toBeFalsy();
      const { result, events } = streamed.structuredContent as { result: { status: string }; events: { type: string }[] };
      expect(result.status).toBe('indexed');
      expect(events.length).toBeGreaterThan(0);
      expect(progress).toHaveLength(events.length);
    });
  });

  describe('over stdio (flowyte mcp)', () => {
    let initialized: InitializedDataDir;
    beforeAll(async () => {
      initialized = await initDataDir('Client Lines');
    });
    afterAll(() => initialized.close());

    it('creates, reads an unknown agent as a not_found result, and deletes with a confirmationId', async () => {
      const client = opened(
        await line.stdio({
          command: process.execPath,
          args: ['bin/flowyte.js', 'mcp', '--toolsets', 'agents'],
          cwd: PACKAGE_ROOT,
          env: { FLOWYTE_DATA_DIR: initialized.dataDir, FLOWYTE_API_KEY: initialized.apiKey },
        }),
      );
      await agentLifecycle(client);
      // Nothing sends list-changed notifications on stdio either, so none is declared.
      expect(client.serverCapabilities()).toMatchObject({ resources: { listChanged: false }, prompts: { listChanged: false }, completions: {} });
    });
  });
});
