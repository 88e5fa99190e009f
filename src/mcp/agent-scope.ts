/**
 * A connection scoped to one agent (`?agent=agt_…`, `--agent`), as Supabase's MCP server scopes
 * to one project. Which tools it serves follows from their schemas: a tool whose input names the
 * agent (an `/agents/{…}` path parameter, else an `agentId` field) gets the scoped agent filled
 * in, and that field leaves its input schema; a tool that names no agent works across agents
 * (list_agents, create_agent, scaffold_agent, get_conversation by id) or on the account (keys,
 * webhooks, billing, numbers, integrations) and is not served, except the reference toolsets
 * (voices, meta: see Toolset.reference).
 */
import type { Tool as McpTool } from '@modelcontextprotocol/server';
import { FlowyteError, notFound } from '../errors.ts';
import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { TOOLSETS } from '../tools/toolsets.ts';
import type { Tool } from '../tools/types.ts';

const REFERENCE_TOOLSETS = new Set(TOOLSETS.filter((toolset) => toolset.reference).map((toolset) => toolset.name));

/** The input field that names the agent a tool works on, if any. */
export function agentField(tool: Tool): string | undefined {
  return /^\/agents\/\{(\w+)\}/.exec(tool.http.path)?.[1] ?? (Object.hasOwn(tool.input.shape, 'agentId') ? 'agentId' : undefined);
}

/** Whether a connection scoped to an agent lists the tool. */
export function servesScopedAgent(tool: Tool): boolean {
  return agentField(tool) !== undefined || REFERENCE_TOOLSETS.has(tool.toolset);
}

/** Fail with not_found unless the agent belongs to the caller's org (another org's agent is unknown). */
export function assertScopedAgent(services: Services, actor: Actor, agentId: string): void {
  if (!services.agents.find(actor.orgId, agentId)) throw notFound('agent', agentId);
}

/** The arguments with the scoped agent filled in; naming another agent is a validation_error. */
export function scopeArguments(tool: Tool, args: Record<string, unknown>, agentId: string): Record<string, unknown> {
  const field = agentField(tool);
  if (!field) return args;
  if (args[field] !== undefined && args[field] !== agentId) {
    const message = `this connection is scoped to agent ${agentId}`;
    throw new FlowyteError('validation_error', `${field}: ${message}`, { errors: [{ field, message }] });
  }
  return { ...args, [field]: agentId };
}

/** A descriptor without the field the scoped agent fills in. */
export function scopedDescriptor(tool: Tool, descriptor: McpTool): McpTool {
  const field = agentField(tool);
  if (!field) return descriptor;
  const { required, ...schema } = descriptor.inputSchema;
  const { [field]: _filledIn, ...properties } = schema.properties ?? {};
  const stillRequired = required?.filter((name) => name !== field);
  return { ...descriptor, inputSchema: { ...schema, properties, ...(stillRequired?.length ? { required: stillRequired } : {}) } };
}
