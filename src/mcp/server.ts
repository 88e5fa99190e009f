/** The MCP face: the registry as MCP tools (plus resources and prompts) for one authenticated caller. */
import { PACKAGE_VERSION } from '../package-root.ts';
import { randomUUID } from 'node:crypto';
import {
  CLIENT_CAPABILITIES_META_KEY,
  McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ServerContext,
  type Tool as McpTool,
} from '@modelcontextprotocol/server';
import type { Actor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { authorize, callFields, invokeTool, parseInput } from '../tools/invoke.ts';
import { isList } from '../tools/define.ts';
import type { Tool, ToolEvent } from '../tools/types.ts';
import { CONFIRMATION_FIELD, describeTool } from './descriptors.ts';
import { confirmDestructive } from './confirm.ts';
import { DISCOVERY_TOOLS, runDiscoveryTool } from './discovery.ts';
import { reachableTools, type McpOptions } from './selection.ts';
import { scopeArguments, scopedDescriptor } from './agent-scope.ts';
import { registerResources } from '../resources/index.ts';
import { failure, success, type ToolCallResult } from './results.ts';
import { fenceUntrusted } from './untrusted.ts';
import { reportUnexpected } from '../logging.ts';

export const SERVER_INFO = { name: 'flowyte', version: PACKAGE_VERSION };

export interface McpSession {
  tools: readonly Tool[];
  services: Services;
  actor: Actor;
  /**
   * Stdio lives as long as its host: the key is resolved again on every call (cheap, through the
   * credential cache), so a key revoked or expired meanwhile stops working at once.
   */
  reauthenticate?: () => Actor;
  options: McpOptions;
}

/**
 * Over /mcp, the HTTP request a message came with (in its authInfo): its authenticated actor, the
 * query's options, and its X-Request-Id, so a call's log lines match its access line.
 */
export interface McpCaller {
  actor: Actor;
  options: McpOptions;
  requestId: string;
}

function callerOf(request: ServerContext): McpCaller | undefined {
  return request.http?.authInfo?.extra as McpCaller | undefined;
}


function clientCanElicit(server: McpServer, request: ServerContext): boolean {
  const envelope = request.mcpReq.envelope as Record<string, { elicitation?: unknown } | undefined> | undefined;
  const capabilities = envelope?.[CLIENT_CAPABILITIES_META_KEY] ?? server.server.getClientCapabilities();
  return Boolean(capabilities?.elicitation);
}

/** Call one registry tool for the session: confirmation, invokeTool, progress, audit. */
export async function callRegistryTool(
  session: McpSession,
  server: McpServer,
  tool: Tool,
  rawArguments: Record<string, unknown>,
  request: ServerContext,
): Promise<ToolCallResult> {
  const { services } = session;
  const caller = callerOf(request);
  let actor: Actor;
  try {
    actor = caller?.actor ?? session.reauthenticate?.() ?? session.actor;
  } catch (error) {
    return failure(error).result;
  }
  const started = performance.now();
  // Stdio has no request id of its own: each call gets one.
  const requestId = caller?.requestId ?? randomUUID();
  let status = 200;
  try {
    const { [CONFIRMATION_FIELD]: confirmationId, ...given } = rawArguments;
    const scopedAgent = session.options.agentId;
    const args = scopedAgent ? scopeArguments(tool, given, scopedAgent) : given;
    if (tool.flags.destructive) {
      authorize(tool, actor);
      const gate = confirmDestructive({
        tool,
        input: parseInput(tool, args),
        confirmationId: typeof confirmationId === 'string' ? confirmationId : undefined,
        actor,
        services,
        canElicit: clientCanElicit(server, request),
        request,
      });
      if (gate !== 'proceed') return gate;
    }
    const progressToken = request.mcpReq._meta?.progressToken;
    const events: ToolEvent[] = [];
    const result = await invokeTool(tool, args, {
      actor,
      services,
      requestId,
      signal: request.mcpReq.signal,
      emit: (event) => {
        if (event.transient) return;
        events.push(event);
        if (progressToken === undefined) return;
        void request.mcpReq.notify({
          method: 'notifications/progress',
          params: { progressToken, progress: events.length, message: `${event.type}: ${JSON.stringify(event.data)}`.slice(0, 500) },
        });
      },
    });
    status = tool.http.successStatus;
    const data = fenceUntrusted(result.data, isList(tool) ? tool.untrusted.map((path) => `items[].${path}`) : tool.untrusted);
    return success(tool.flags.streaming ? { result: data, events } : data);
  } catch (error) {
    // invokeTool reported a tool's own failure; this catches one of the confirmation gate's.
    reportUnexpected(services.logger, error, callFields(tool, actor, requestId), request.mcpReq.signal.aborted);
    const failed = failure(error);
    status = failed.status;
    return failed.result;
  } finally {
    services.audit.record(actor.orgId, {
      actorType: actor.type,
      actorId: actor.id,
      via: 'mcp',
      method: 'TOOL',
      endpoint: tool.name,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      requestId,
    });
  }
}

/** A fresh MCP server for one caller (one per 2026-07-28 HTTP request, per 2025 HTTP session, per stdio process). */
export function buildMcpServer(session: McpSession): McpServer {
  const server = new McpServer(SERVER_INFO, {
    // No list ever changes under a connection (a new agent shows up at the next resources/list),
    // so none is announced: the SDK would otherwise declare listChanged for resources and prompts.
    capabilities: { tools: { listChanged: false }, resources: { listChanged: false }, prompts: { listChanged: false } },
    instructions:
      'Flowyte builds and runs AI voice and chat agents. Typical order: create_agent → add knowledge and skills → get_prepublish_report → publish_agent → simulate. Read the flowyte://guides/build-an-agent resource first. Without options a connection lists the agents, voices and meta tools; knowledge, skills and tests need ?toolsets=agents,voices,meta,knowledge,skills,test (stdio: --toolsets), or ?profile=discovery reaches every operation.',
  });
  // Only what this credential can call at all: a secret key never sees dashboard-only tools, nor
  // finds them through search_tools; a widget visitor sees the widget's. Scopes are checked per call.
  const reachable = reachableTools(session.tools, session.options, session.actor);
  const byName = new Map(reachable.map((tool) => [tool.name, tool]));
  const scopedAgent = session.options.agentId;
  const describe = (tool: Tool) => (scopedAgent ? scopedDescriptor(tool, describeTool(tool)) : describeTool(tool));
  // Described on the first tools/list, not at connect: `initialize` should not wait for ~40 schema conversions.
  let listed: McpTool[] | undefined;
  const describeListed = () => (session.options.profile === 'discovery' ? DISCOVERY_TOOLS(session.options) : reachable.map(describe));

  server.server.setRequestHandler('tools/list', async () => ({ tools: (listed ??= describeListed()) }));
  server.server.setRequestHandler('tools/call', async (request, context) => {
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    if (session.options.profile === 'discovery') {
      return runDiscoveryTool(request.params.name, args, reachable, describe, (tool, toolArgs) =>
        callRegistryTool(session, server, tool, toolArgs, context),
      );
    }
    const tool = byName.get(request.params.name);
    if (!tool) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return callRegistryTool(session, server, tool, args, context);
  });
  registerResources(server, session);
  return server;
}
