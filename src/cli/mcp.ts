/** `flowyte mcp`: the registry over stdio (stdout carries only the protocol; messages go to stderr). */
import { CommanderError } from 'commander';
import { FlowyteError } from '../errors.ts';
import { commandConfig, openWithOrganization } from './data-dir.ts';
import { USAGE_EXIT_CODE } from './program.ts';

export interface McpFlags {
  toolsets?: string;
  tools?: string;
  readOnly?: boolean;
  profile?: string;
  agent?: string;
  dataDir?: string;
}

/** A bad selection (unknown toolset or tool, an agent not in the key's org) is a misused command line. */
function asUsageError(error: unknown): unknown {
  if (!(error instanceof FlowyteError) || (error.code !== 'validation_error' && error.code !== 'not_found')) return error;
  process.stderr.write(`flowyte mcp: ${error.message}\n`);
  return new CommanderError(USAGE_EXIT_CODE, `flowyte.mcp.${error.code}`, error.message);
}

export async function mcpCommand(flags: McpFlags): Promise<void> {
  const config = commandConfig(flags);
  const [{ parseMcpOptions }, { serveMcpStdio }, { createBackground }, { TOOLS }] = await Promise.all([
    import('../mcp/selection.ts'),
    import('../mcp/stdio.ts'),
    import('../runtime/background.ts'),
    import('../tools/index.ts'),
  ]);
  let options;
  try {
    options = parseMcpOptions(
      { toolsets: flags.toolsets, tools: flags.tools, readonly: flags.readOnly ? 'true' : undefined, profile: flags.profile, agent: flags.agent },
      TOOLS,
    );
  } catch (error) {
    throw asUsageError(error);
  }
  const services = await openWithOrganization(config);
  process.once('exit', () => services.close());
  try {
    serveMcpStdio(services, options);
  } catch (error) {
    services.close();
    throw asUsageError(error);
  }
  // Work queued jobs here too, so that knowledge gets indexed with no server running.
  createBackground(services).start();
}
