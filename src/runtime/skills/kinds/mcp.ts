/**
 * mcp: call one tool of the operator's MCP server (Streamable HTTP). Its parameters are the tool's
 * inputSchema, read with tools/list when the skill is saved without a parametersSchema. The tool's
 * result is data for the model (structuredContent, or its text under `result`), never instructions.
 */
import { z } from 'zod';
import type { CallToolResult, Tool } from '@modelcontextprotocol/client';
import { FlowyteError } from '../../../errors.ts';
import { callMcpTool, listMcpTools, type McpEndpoint } from '../mcp-client.ts';
import { UNAVAILABLE, headersSchema, invalidField, type SkillEnvironment, type SkillKind } from '../kind.ts';

const REPLY_CHARS = 4000;
const ERROR_CHARS = 300;
const RESPONSE_BYTES = 1024 * 1024;

interface McpSettings {
  serverUrl: string;
  toolName: string;
  headers: Record<string, string>;
  timeout_ms: number;
}

function endpointOf(settings: McpSettings, environment: SkillEnvironment, signal?: AbortSignal): McpEndpoint {
  return {
    url: settings.serverUrl,
    headers: settings.headers,
    timeoutMs: settings.timeout_ms,
    allowPrivateNetwork: environment.allowPrivateNetwork,
    maxBytes: Math.min(environment.fetchMaxBytes, RESPONSE_BYTES),
    signal,
  };
}

/** The text parts of a result, joined and capped. */
function textOf(result: CallToolResult): string {
  return result.content
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .slice(0, REPLY_CHARS);
}

/** What the model gets of a successful result: structuredContent as it is, else the text. */
function outputOf(result: CallToolResult): Record<string, unknown> {
  const structured = result.structuredContent;
  if (structured && typeof structured === 'object' && !Array.isArray(structured)) return structured as Record<string, unknown>;
  if (structured !== undefined && structured !== null) return { result: structured };
  return { result: textOf(result) };
}

/** A tool's inputSchema as a parametersSchema: an object schema the platform's validator compiles. */
function parametersOf(tool: Tool): Record<string, unknown> {
  // The SDK's schemas name draft 2020-12 in $schema; the stored schema is checked with the default draft.
  const { $schema: _dialect, ...schema } = tool.inputSchema as Record<string, unknown>;
  return { ...schema, type: 'object', properties: schema.properties ?? {} };
}

export const mcp: SkillKind = {
  skillType: 'mcp',
  config: z.object({
    serverUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048),
    toolName: z.string().min(1).max(128),
    headers: headersSchema.default({}),
    timeout_ms: z.number().int().min(100).max(30_000).default(10_000),
  }),
  urlSettings: ['serverUrl'],
  async discoverParameters(config, environment) {
    const settings = config as unknown as McpSettings;
    let tools: Tool[];
    try {
      tools = await listMcpTools(endpointOf(settings, environment));
    } catch (error) {
      if (!(error instanceof FlowyteError)) throw error;
      const message = `could not list its tools: ${error.message}`;
      const code = error.code === 'url_not_allowed' ? 'url_not_allowed' : 'unprocessable';
      throw new FlowyteError(code, `executionConfig.serverUrl ${message}`, { errors: [{ field: 'executionConfig.serverUrl', message }], cause: error });
    }
    const tool = tools.find((candidate) => candidate.name === settings.toolName);
    if (!tool) {
      const offered = tools.map((candidate) => candidate.name).slice(0, 20).join(', ') || 'none';
      throw invalidField('executionConfig.toolName', `is not a tool of the MCP server (its tools: ${offered})`);
    }
    return parametersOf(tool);
  },
  async execute({ skill, input, signal }, environment) {
    const settings = skill.executionConfig as unknown as McpSettings;
    let result: CallToolResult;
    try {
      result = await callMcpTool(endpointOf(settings, environment, signal), settings.toolName, input);
    } catch (error) {
      const reason = error instanceof FlowyteError ? error.message : 'the MCP request failed';
      return { ok: false, output: { error: reason, message: UNAVAILABLE } };
    }
    if (result.isError) {
      const detail = textOf(result).slice(0, ERROR_CHARS);
      return { ok: false, output: { error: `the tool reported an error${detail ? `: ${detail}` : ''}`, message: UNAVAILABLE } };
    }
    return { ok: true, output: outputOf(result) };
  },
};
