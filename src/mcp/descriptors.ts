/** A registry tool as an MCP tool descriptor (computed once per tool). */
import type { Tool as McpTool } from '@modelcontextprotocol/server';
import { isList } from '../tools/define.ts';
import { jsonSchemaOf } from '../tools/json-schema.ts';
import type { Tool } from '../tools/types.ts';
import { leanInputSchema, leanOutputSchema } from './lean-schema.ts';

const cache = new WeakMap<Tool, McpTool>();

export const CONFIRMATION_FIELD = 'confirmationId';

/**
 * The fields of a result, and of each item of a page, with their types; nested objects only as
 * `object` (the input schemas and the OpenAPI document spell those out). Streaming tools answer
 * MCP with the final result plus every event they emitted.
 */
function outputSchemaOf(tool: Tool): Record<string, unknown> {
  const output = leanOutputSchema(jsonSchemaOf(tool.output, 'output'), isList(tool) ? 2 : 1);
  if (!tool.flags.streaming) return output;
  return {
    type: 'object',
    properties: { result: output, events: { type: 'array', items: { type: 'object' } } },
    required: ['result', 'events'],
  };
}

export function describeTool(tool: Tool): McpTool {
  const known = cache.get(tool);
  if (known) return known;
  const input = leanInputSchema(jsonSchemaOf(tool.input, 'input')) as McpTool['inputSchema'];
  if (tool.flags.destructive) {
    input.properties = {
      ...input.properties,
      [CONFIRMATION_FIELD]: {
        type: 'string',
        description: 'Only for clients without elicitation: the confirmationId a first call returned for these exact arguments.',
      },
    };
  }
  const descriptor: McpTool = {
    name: tool.name,
    title: tool.title,
    description:
      tool.description +
      (tool.flags.destructive
        ? ' Destructive: the user is asked to confirm; clients without elicitation get a confirmationId to send back with the same arguments.'
        : ''),
    inputSchema: input,
    outputSchema: outputSchemaOf(tool) as McpTool['outputSchema'],
    // No annotations.title: the descriptor's own title (MCP 2025-06-18) is what clients show.
    annotations: {
      readOnlyHint: tool.flags.readOnly === true,
      destructiveHint: tool.flags.destructive === true,
      idempotentHint: tool.flags.idempotent === true,
      openWorldHint: tool.flags.openWorld === true,
    },
  };
  cache.set(tool, descriptor);
  return descriptor;
}
