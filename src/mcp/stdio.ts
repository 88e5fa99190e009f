/** `flowyte mcp`: the registry over stdio, acting as the secret key in FLOWYTE_API_KEY. */
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { resolveActor } from '../auth/actor.ts';
import type { Services } from '../services.ts';
import { TOOLS } from '../tools/index.ts';
import { buildMcpServer } from './server.ts';
import type { McpOptions } from './selection.ts';

export function serveMcpStdio(services: Services, options: McpOptions): void {
  if (!services.config.apiKey) {
    throw new Error('FLOWYTE_API_KEY is not set: run `flowyte init` and export the secret key it prints');
  }
  const actor = resolveActor(services.credentials, `Bearer ${services.config.apiKey}`);
  serveStdio(() => buildMcpServer({ tools: TOOLS, services, actor, options, elicitationPossible: true }));
}
