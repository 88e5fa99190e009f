/** `flowyte mcp`: the registry over stdio, acting as the secret key in FLOWYTE_API_KEY. */
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { resolveActor, type Actor } from '../auth/actor.ts';
import { FlowyteError } from '../errors.ts';
import type { Services } from '../services.ts';
import { TOOLS } from '../tools/index.ts';
import { buildMcpServer, type McpSession } from './server.ts';
import type { McpOptions } from './selection.ts';
import { assertScopedAgent } from './agent-scope.ts';

/** The key's actor; a key from another data directory is the likely mistake, so the error names this one. */
function resolveActorIn(services: Services): Actor {
  try {
    return resolveActor(services.credentials, `Bearer ${services.config.apiKey}`);
  } catch (error) {
    if (!(error instanceof FlowyteError) || error.code !== 'unauthorized') throw error;
    throw new FlowyteError('unauthorized', `the key in FLOWYTE_API_KEY is not valid in the data directory ${services.config.dataDir} (revoked, expired, mistyped, or made in another data directory)`, { cause: error });
  }
}

/** The one session a stdio process serves: the key in FLOWYTE_API_KEY, checked again on every call. */
export function stdioSession(services: Services, options: McpOptions): McpSession {
  if (!services.config.apiKey) {
    throw new Error(`FLOWYTE_API_KEY is not set: export a secret key of the data directory ${services.config.dataDir} (\`flowyte init\` prints one)`);
  }
  const actor = resolveActorIn(services);
  if (options.agentId) assertScopedAgent(services, actor, options.agentId);
  return { tools: TOOLS, services, actor, reauthenticate: () => resolveActorIn(services), options };
}

export function serveMcpStdio(services: Services, options: McpOptions): void {
  const session = stdioSession(services, options);
  serveStdio(() => buildMcpServer(session));
}
