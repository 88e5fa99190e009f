/** `flowyte serve`: the API, MCP over HTTP (/mcp), the docs and the voice room on one port. */
import type { Server } from 'node:http';
import { commandConfig, type LocationFlags } from './data-dir.ts';
import { bootstrapOrg, describeBootstrap } from './init.ts';

export async function serveCommand(flags: LocationFlags): Promise<void> {
  const config = commandConfig(flags);
  process.stderr.write(`Flowyte data directory: ${config.dataDir}\n`);
  const [{ createServices }, { serve }, { createApp }, { attachTalkServer }, { createBackground }] = await Promise.all([
    import('../services.ts'),
    import('@hono/node-server'),
    import('../http/app.ts'),
    import('../http/talk.ts'),
    import('../runtime/background.ts'),
  ]);
  const services = createServices(config);
  // First start on an empty data dir: make the first org so the quickstart works at once.
  if (!services.credentials.hasOrgs()) process.stderr.write(describeBootstrap(bootstrapOrg(services)));
  const app = createApp(services);
  createBackground(services).start();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    process.stderr.write(`Flowyte listening on http://${config.host}:${info.port} (data in ${config.dataDir})\n`);
  });
  attachTalkServer(server as Server, services);
  server.once('error', (error) => {
    process.stderr.write(`flowyte: cannot listen on ${config.host}:${config.port}: ${error.message}\n`);
    process.exit(1);
  });
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Queued writes (the audit log) reach the database however the process ends.
  process.once('exit', () => services.close());
}
