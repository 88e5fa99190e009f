/** One list convention on every face: REST `data` is the array, MCP keeps `{ items }`, OpenAPI says so. */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { body, connectMcp, createPlatform, type Platform } from '../helpers.ts';
import { defineTool, listOf } from '../../src/tools/define.ts';
import { TOOLS } from '../../src/tools/index.ts';
import { jsonSchemaOf } from '../../src/tools/json-schema.ts';

const listTool = defineTool({
  name: 'test_list',
  title: 'A list',
  description: 'Lists two things and says which kind they are.',
  http: { method: 'GET', path: '/test/list' },
  scope: 'agents:read',
  toolset: 'meta',
  flags: { list: true, readOnly: true },
  input: z.object({}),
  output: listOf(z.object({ id: z.string().describe('Its id.') }), 'The things.', { kind: z.string().describe('What they are.') }),
  execute: async () => ({ items: [{ id: 'one' }, { id: 'two' }], kind: 'example' }),
});
const testTools = [...TOOLS, listTool];

let platform: Platform;
afterEach(() => platform.close());

describe('list tools', () => {
  it('answer REST with the items as data and the other fields beside it', async () => {
    platform = createPlatform({}, testTools);
    const response = await platform.request('GET', '/test/list');
    expect(await body(response)).toEqual({ success: true, data: [{ id: 'one' }, { id: 'two' }], kind: 'example' });
  });

  it('keep an object over MCP: the same list as items, with the same fields', async () => {
    platform = createPlatform({}, testTools);
    const client = await connectMcp(platform, { tools: testTools });
    const result = await client.callTool({ name: 'test_list', arguments: {} });
    expect(result.structuredContent).toEqual({ items: [{ id: 'one' }, { id: 'two' }], kind: 'example' });
  });

  it('are described in OpenAPI as an array in data with the fields beside it', async () => {
    platform = createPlatform({}, testTools);
    const document = await body(await platform.app.request('/api/v1/openapi.json'));
    const schema = document.paths['/test/list'].get.responses['200'].content['application/json'].schema;
    expect(schema.required).toEqual(['success', 'data', 'kind']);
    expect(Object.keys(schema.properties)).toEqual(['success', 'data', 'kind']);
    expect(schema.properties.data).toEqual(jsonSchemaOf(listTool.output, 'output').properties!.items);
  });

  it('cannot be declared without items, or with a field the envelope owns', () => {
    const spec = (output: z.ZodObject) => ({ ...listTool, flags: { list: true }, output, execute: async () => ({}) }) as Parameters<typeof defineTool>[0];
    expect(() => defineTool(spec(z.object({ things: z.array(z.string()) })))).toThrow(/needs "items"/);
    expect(() => defineTool(spec(z.object({ items: z.array(z.string()), data: z.string() })))).toThrow(/no "data" or "success"/);
  });
});
