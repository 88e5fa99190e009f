/**
 * The generated faces, snapshotted: any change to a tool's schema, flags or docs shows up as a
 * reviewed diff of these files. Update them on purpose with `npx vitest run -u`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { TOOLS } from '../../src/tools/index.ts';

// A fixed public URL, so the OpenAPI `servers` entry does not follow the environment.
const PUBLIC_BASE_URL = 'https://flowyte.example';

let platform: Platform;
afterEach(() => platform?.close());

describe('generated faces', () => {
  it('MCP tools/list (every toolset, as a secret key sees it) matches the reviewed snapshot', async () => {
    platform = createPlatform({ publicBaseUrl: PUBLIC_BASE_URL });
    const client = await connectMcp(platform, { mcp: { toolsets: ['all'] } });
    const { tools } = await client.listTools();
    // Widget tools (publishable keys) are listed only to widget visitors, dashboard-only ones only to dashboard sessions.
    const callable = TOOLS.filter((tool) => tool.auth === 'secret' || tool.auth === 'any');
    expect(tools.map((tool) => tool.name).sort()).toEqual(callable.map((tool) => tool.name).sort());
    await expect(JSON.stringify(tools, null, 2) + '\n').toMatchFileSnapshot('../__snapshots__/mcp-tools-list.json');
  });

  it('the OpenAPI document matches the reviewed snapshot', async () => {
    platform = createPlatform({ publicBaseUrl: PUBLIC_BASE_URL });
    const response = await platform.request('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const document = await body(response);
    expect(document.servers).toEqual([{ url: `${PUBLIC_BASE_URL}/api/v1` }]);
    const operations = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    expect(operations.sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
    await expect(JSON.stringify(document, null, 2) + '\n').toMatchFileSnapshot('../__snapshots__/openapi.json');
  });
});
