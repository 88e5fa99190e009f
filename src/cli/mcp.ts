/** `flowyte mcp`: the registry over stdio (stdout carries only the protocol; messages go to stderr). */
import { commandConfig, openWithOrganization } from './data-dir.ts';

export interface McpFlags {
  toolsets?: string;
  readOnly?: boolean;
  profile?: string;
  dataDir?: string;
}

export async function mcpCommand(flags: McpFlags): Promise<void> {
  const config = commandConfig(flags);
  const [{ parseMcpOptions }, { serveMcpStdio }, { createBackground }] = await Promise.all([
    import('../mcp/selection.ts'),
    import('../mcp/stdio.ts'),
    import('../runtime/background.ts'),
  ]);
  const options = parseMcpOptions({ toolsets: flags.toolsets, readonly: flags.readOnly ? 'true' : undefined, profile: flags.profile });
  const services = await openWithOrganization(config);
  process.once('exit', () => services.close());
  try {
    serveMcpStdio(services, options);
  } catch (error) {
    services.close();
    throw error;
  }
  // Work queued jobs here too, so that knowledge gets indexed with no server running.
  createBackground(services).start();
}
