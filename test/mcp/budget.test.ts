/**
 * The default profile's tools/list is what a host puts into a model's context on every turn, so
 * it has a budget: 40 KB of JSON, as each client line receives it over Streamable HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../helpers.ts';
import { listen, type Listening } from '../fixtures/listen.ts';
import { closeAfterEach } from '../fixtures/cleanup.ts';
import { CLIENT_LINES } from '../fixtures/mcp-clients.ts';
import { TOOLSETS } from '../../src/tools/toolsets.ts';

const BUDGET_BYTES = 40 * 1024;
const opened = closeAfterEach();
const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

let platform: Platform;
let server: Listening;
beforeAll(async () => {
  platform = createPlatform();
  server = await listen(platform.app);
});
afterAll(async () => {
  await server.close();
  platform.close();
});

describe.each(CLIENT_LINES)('the default profile, listed to an MCP client of $name', (line) => {
  it(`stays within ${BUDGET_BYTES} bytes of tools/list`, async () => {
    const client = opened(await line.http(new URL(`${server.origin}/mcp`), platform.orgA.apiKey.secret));
    const { tools } = await client.listTools();
    const total = bytes(tools);
    const largest = tools
      .map((tool) => ({ name: tool.name, bytes: bytes(tool) }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5)
      .map((tool) => `${tool.name} ${tool.bytes}`);
    console.log(`${line.name}: default profile tools/list: ${tools.length} tools, ${total} bytes (budget ${BUDGET_BYTES}); largest: ${largest.join(', ')}`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
    // The profile docs/mcp.md promises, and nothing else.
    const defaults = TOOLSETS.filter((toolset) => toolset.inDefaultProfile).map((toolset) => toolset.name);
    expect(defaults).toEqual(['agents', 'voices', 'meta']);
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['create_agent', 'update_agent', 'publish_agent', 'list_voices', 'get_language_matrix']));
    expect(tools.map((tool) => tool.name)).not.toContain('add_knowledge_source');
  });
});
