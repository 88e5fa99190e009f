/** Which registry tools an MCP connection exposes: toolsets, tools, read-only mode, agent scope, discovery profile. */
import type { Actor } from '../auth/actor.ts';
import { FlowyteError } from '../errors.ts';
import { credentialFits } from '../tools/invoke.ts';
import { TOOLSETS, TOOLSET_NAMES } from '../tools/toolsets.ts';
import type { Tool } from '../tools/types.ts';
import { servesScopedAgent } from './agent-scope.ts';

export interface McpOptions {
  /** Toolset names; with no tools either, the default profile. `all` loads every toolset. */
  toolsets: string[];
  /** Tool names, listed besides any toolsets; alone, exactly these tools. */
  tools: string[];
  /** Only read-only tools, whatever else is asked for. */
  readOnly: boolean;
  /** `discovery` exposes search_tools, describe_tool and call_tool, which reach every tool. */
  profile: 'default' | 'discovery';
  /** The one agent (agt_…) the connection works on: see agent-scope.ts. */
  agentId?: string;
}

export const DEFAULT_MCP_OPTIONS: McpOptions = { toolsets: [], tools: [], readOnly: false, profile: 'default' };

const commaList = (value: string | null | undefined) => (value ?? '').split(',').map((name) => name.trim()).filter(Boolean);

function unknownNames(field: string, names: string[], known: readonly string[], knownText: string): FlowyteError | undefined {
  const unknown = names.filter((name) => !known.includes(name));
  if (!unknown.length) return undefined;
  return new FlowyteError('validation_error', `unknown ${field === 'tools' ? 'tool' : 'toolset'} ${unknown.join(', ')}; known: ${knownText}`.slice(0, 500), {
    errors: [{ field, message: `unknown: ${unknown.join(', ')}` }],
  });
}

/** Parse `toolsets`, `tools`, `readonly`, `profile` and `agent` as given on a URL or the command line. */
export function parseMcpOptions(
  values: { toolsets?: string | null; tools?: string | null; readonly?: string | null; profile?: string | null; agent?: string | null },
  registry: readonly Tool[],
): McpOptions {
  const toolsets = commaList(values.toolsets);
  const tools = commaList(values.tools);
  const toolNames = registry.map((tool) => tool.name);
  const unknown =
    unknownNames('toolsets', toolsets, [...TOOLSET_NAMES, 'all'], `${TOOLSET_NAMES.join(', ')}, all`) ??
    unknownNames('tools', tools, toolNames, 'the names tools/list gives with ?toolsets=all');
  if (unknown) throw unknown;
  const profile = values.profile ?? 'default';
  if (profile !== 'default' && profile !== 'discovery') {
    throw new FlowyteError('validation_error', 'profile must be "default" or "discovery"', {
      errors: [{ field: 'profile', message: 'must be default or discovery' }],
    });
  }
  const agentId = values.agent?.trim() || undefined;
  return { toolsets, tools, readOnly: ['1', 'true', 'yes'].includes((values.readonly ?? '').toLowerCase()), profile, ...(agentId ? { agentId } : {}) };
}

/** What a connection asked for, before read-only mode, agent scope and the credential narrow it. */
function wanted(tool: Tool, options: McpOptions, actor: Actor): boolean {
  if (options.tools.includes(tool.name) || options.toolsets.includes('all') || options.toolsets.includes(tool.toolset)) return true;
  if (options.toolsets.length || options.tools.length) return false;
  // Nothing named: the discovery profile reaches every tool, the default profile its toolsets; a
  // widget visitor, who can call only a handful, gets them all.
  return (
    options.profile === 'discovery' ||
    actor.type === 'visitor' ||
    TOOLSETS.some((toolset) => toolset.inDefaultProfile && toolset.name === tool.toolset)
  );
}

/**
 * The registry tools a connection may call (in the discovery profile, through call_tool). A tool
 * the credential can never call is left out: a secret key does not see dashboard-only tools, a
 * widget visitor sees only the widget's.
 */
export function reachableTools(tools: readonly Tool[], options: McpOptions, actor: Actor): Tool[] {
  return tools.filter(
    (tool) =>
      !tool.flags.reserved &&
      wanted(tool, options, actor) &&
      (!options.readOnly || tool.flags.readOnly === true) &&
      (!options.agentId || servesScopedAgent(tool)) &&
      credentialFits(tool, actor),
  );
}
