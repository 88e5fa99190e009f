import { afterEach, describe, expect, it } from 'vitest';
import { body, connectMcp, createPlatform, problemOf, type Platform } from '../helpers.ts';

let platform: Platform;
afterEach(() => platform?.close());

describe('MCP face', () => {
  it('creates and reads an agent through a real MCP client', async () => {
    platform = createPlatform();
    const client = await connectMcp(platform);
    const created = await client.callTool({ name: 'create_agent', arguments: { name: 'Via MCP' } });
    expect(created.isError).toBeFalsy();
    const id = (created.structuredContent as { id: string }).id;
    const rest = await body(await platform.request('GET', `/agents/${id}`));
    expect(rest.data.name).toBe('Via MCP');
    const missing = await client.callTool({ name: 'get_agent', arguments: { id: 'agt_missing' } });
    expect(missing.isError).toBe(true);
    expect(problemOf(missing).code).toBe('not_found');
  });

  it('rejects an argument the tool does not have, like REST', async () => {
    platform = createPlatform();
    const client = await connectMcp(platform);
    const result = await client.callTool({ name: 'create_agent', arguments: { name: 'X', greting: 'hi' } });
    expect(problemOf(result)).toMatchObject({ code: 'validation_error', errors: [{ field: 'greting' }] });
    expect((await body(await platform.request('GET', '/agents'))).data).toEqual([]);
  });
});
