/** Which registry tools an MCP connection exposes: toolsets, read-only mode, discovery profile. */
import { FlowyteError } from '../errors.ts';
import { TOOLSETS, TOOLSET_NAMES } from '../tools/toolsets.ts';
import type { Tool } from '../tools/types.ts';

export interface McpOptions {
  /** Toolset names; empty means the default profile. `all` loads every toolset. */
  toolsets: string[];
  /** Only read-only tools, whatever else is asked for. */
  readOnly: boolean;
  /** `discovery` exposes search_tools, describe_tool and call_tool, which reach every tool. */
  profile: 'default' | 'discovery';
}

export const DEFAULT_MCP_OPTIONS: McpOptions = { toolsets: [], readOnly: false, profile: 'default' };

/** Parse `toolsets`, `readonly` and `profile` as given on a URL or the command line. */
export function parseMcpOptions(values: { toolsets?: string | null; readonly?: string | null; profile?: string | null }): McpOptions {
  const toolsets = (values.toolsets ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = toolsets.filter((name) => name !== 'all' && !TOOLSET_NAMES.includes(name));
  if (unknown.length) {
    throw new FlowyteError('validation_error', `unknown toolset ${unknown.join(', ')}; known: ${TOOLSET_NAMES.join(', ')}, all`, {
      errors: [{ field: 'toolsets', message: `unknown: ${unknown.join(', ')}` }],
    });
  }
  const profile = values.profile ?? 'default';
  if (profile !== 'default' && profile !== 'discovery') {
    throw new FlowyteError('validation_error', 'profile must be "default" or "discovery"', {
      errors: [{ field: 'profile', message: 'must be default or discovery' }],
    });
  }
  return { toolsets, readOnly: ['1', 'true', 'yes'].includes((values.readonly ?? '').toLowerCase()), profile };
}

/** The registry tools a connection may call (in the discovery profile, through call_tool). */
export function reachableTools(tools: readonly Tool[], options: McpOptions): Tool[] {
  const wanted = options.toolsets.includes('all')
    ? new Set(TOOLSET_NAMES)
    : options.toolsets.length
      ? new Set(options.toolsets)
      : new Set(TOOLSETS.filter((toolset) => toolset.inDefaultProfile).map((toolset) => toolset.name));
  return tools.filter(
    (tool) =>
      !tool.flags.reserved &&
      (options.readOnly ? tool.flags.readOnly === true : true) &&
      (options.profile === 'discovery' && options.toolsets.length === 0 ? true : wanted.has(tool.toolset)),
  );
}
