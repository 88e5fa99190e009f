/** The discovery profile: three tools that reach every operation without loading ~140 schemas. */
import { z } from 'zod';
import { ProtocolError, ProtocolErrorCode, type Tool as McpTool } from '@modelcontextprotocol/server';
import { notFound } from '../errors.ts';
import { jsonSchemaOf } from '../tools/json-schema.ts';
import type { Tool } from '../tools/types.ts';
import { TOOLSETS } from '../tools/toolsets.ts';
import type { McpOptions } from './selection.ts';
import { failure, invalidArguments, success, type ToolCallResult } from './results.ts';

const searchInput = z.object({
  query: z.string().min(1).max(300).describe('What you want to do, in plain words, e.g. "publish an agent".'),
  toolset: z.string().max(40).optional().describe(`Only tools of this toolset (${TOOLSETS.map((t) => t.name).join(', ')}).`),
  limit: z.number().int().min(1).max(50).default(10).describe('How many tools to return.'),
});
const describeInput = z.object({ name: z.string().min(1).max(40).describe('Exact tool name from search_tools.') });
const callInput = z.object({
  name: z.string().min(1).max(40).describe('Exact tool name from search_tools.'),
  arguments: z.record(z.string(), z.unknown()).default({}).describe('Arguments matching the inputSchema describe_tool returned.'),
});

const summarySchema = z.object({
  tools: z.array(
    z.object({ name: z.string(), title: z.string(), description: z.string(), toolset: z.string(), readOnly: z.boolean(), destructive: z.boolean() }),
  ),
});

export function DISCOVERY_TOOLS(options: McpOptions): McpTool[] {
  const annotations = (readOnly: boolean, destructive: boolean) => ({
    readOnlyHint: readOnly,
    destructiveHint: destructive,
    idempotentHint: readOnly,
    openWorldHint: false,
  });
  return [
    {
      name: 'search_tools',
      title: 'Search Flowyte operations',
      description: 'Finds the Flowyte operations that fit a task. Follow with describe_tool for the input schema, then call_tool.',
      inputSchema: jsonSchemaOf(searchInput, 'input') as McpTool['inputSchema'],
      outputSchema: jsonSchemaOf(summarySchema, 'output') as McpTool['outputSchema'],
      annotations: annotations(true, false),
    },
    {
      name: 'describe_tool',
      title: 'Describe a Flowyte operation',
      description: 'Returns one operation\'s full description, input and output schemas and hints.',
      inputSchema: jsonSchemaOf(describeInput, 'input') as McpTool['inputSchema'],
      annotations: annotations(true, false),
    },
    {
      name: 'call_tool',
      title: 'Call a Flowyte operation',
      description:
        'Runs any Flowyte operation by name with its arguments. Destructive operations ask the user to confirm first (or return a confirmationId to pass back inside arguments).',
      inputSchema: jsonSchemaOf(callInput, 'input') as McpTool['inputSchema'],
      annotations: annotations(options.readOnly, !options.readOnly),
    },
  ];
}

function score(tool: Tool, words: string[]): number {
  const name = tool.name.replace(/_/g, ' ');
  const text = `${name} ${tool.title} ${tool.description} ${tool.toolset}`.toLowerCase();
  return words.reduce((total, word) => total + (name.includes(word) ? 3 : 0) + (text.includes(word) ? 1 : 0), 0);
}

const error = (cause: unknown): ToolCallResult => failure(cause).result;

/** Run one of the three discovery tools; describe_tool answers with `describe`, call_tool delegates to `call`. */
export async function runDiscoveryTool(
  name: string,
  args: Record<string, unknown>,
  reachable: Tool[],
  describe: (tool: Tool) => McpTool,
  call: (tool: Tool, args: Record<string, unknown>) => Promise<ToolCallResult>,
): Promise<ToolCallResult> {
  const byName = new Map(reachable.map((tool) => [tool.name, tool]));
  if (name === 'search_tools') {
    const parsed = searchInput.safeParse(args);
    if (!parsed.success) return error(invalidArguments(parsed.error));
    const words = parsed.data.query.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 1);
    const tools = reachable
      .filter((tool) => !parsed.data.toolset || tool.toolset === parsed.data.toolset)
      .map((tool) => ({ tool, score: score(tool, words) }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score || a.tool.name.localeCompare(b.tool.name))
      .slice(0, parsed.data.limit)
      .map(({ tool }) => ({
        name: tool.name,
        title: tool.title,
        description: tool.description,
        toolset: tool.toolset,
        readOnly: tool.flags.readOnly === true,
        destructive: tool.flags.destructive === true,
      }));
    return success({ tools });
  }
  if (name === 'describe_tool' || name === 'call_tool') {
    const parsed = (name === 'describe_tool' ? describeInput : callInput).safeParse(args);
    if (!parsed.success) return error(invalidArguments(parsed.error));
    const tool = byName.get(parsed.data.name);
    if (!tool) return error(notFound('tool', parsed.data.name));
    if (name === 'describe_tool') return success({ ...describe(tool), toolset: tool.toolset, scope: tool.scope ?? null });
    return call(tool, (parsed.data as z.output<typeof callInput>).arguments);
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${name}`);
}
