/** The `flowyte` command: serve | init | mcp. */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { loadConfig } from './config.ts';
import { createServices } from './services.ts';
import type { Server } from 'node:http';
import { createApp } from './http/app.ts';
import { attachTalkServer } from './http/talk.ts';
import { SECRET_KEY_SCOPES } from './auth/scopes.ts';
import { serveMcpStdio } from './mcp/stdio.ts';
import { parseMcpOptions } from './mcp/selection.ts';
import type { Bootstrap } from './store/credentials.ts';
import { createBackground } from './runtime/background.ts';

const USAGE = `usage: flowyte <command>

  serve                      start the API, MCP (/mcp) and docs (/docs) server
  init [--name N] [--email E] create an organization; prints its secret key and a dashboard session token
  mcp [--toolsets a,b] [--read-only] [--profile discovery]
                             serve MCP over stdio as the key in FLOWYTE_API_KEY
`;

function describeBootstrap(created: Bootstrap): string {
  return [
    `Created organization ${created.org.id} (${created.org.name}).`,
    'Secret key (shown once, store it now):',
    `  FLOWYTE_API_KEY=${created.apiKey.secret}`,
    'Dashboard session token:',
    `  ${created.session.token}`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve': {
      const services = createServices(config);
      if (!services.credentials.hasOrgs()) {
        // First start on an empty data dir: make the first org so the quickstart works at once.
        process.stderr.write(describeBootstrap(services.credentials.bootstrapOrg('My organization', 'owner@example.com', SECRET_KEY_SCOPES)));
      }
      const app = createApp(services);
      createBackground(services).start();
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
        process.stderr.write(`Flowyte listening on http://${config.host}:${info.port} (data in ${config.dataDir})\n`);
      });
      attachTalkServer(server as Server, services);
      const stop = () => {
        server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Queued writes (the audit log) reach the database however the process ends.
      process.once('exit', () => services.close());
      return;
    }
    case 'init': {
      const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, email: { type: 'string' } } });
      const services = createServices(config);
      const created = services.credentials.bootstrapOrg(values.name ?? 'My organization', values.email ?? 'owner@example.com', SECRET_KEY_SCOPES);
      process.stdout.write(describeBootstrap(created));
      services.close();
      return;
    }
    case 'mcp': {
      const { values } = parseArgs({
        args: rest,
        options: { toolsets: { type: 'string' }, 'read-only': { type: 'boolean' }, profile: { type: 'string' } },
      });
      const options = parseMcpOptions({
        toolsets: values.toolsets,
        readonly: values['read-only'] ? 'true' : undefined,
        profile: values.profile,
      });
      const services = createServices(config);
      process.once('exit', () => services.close());
      // Work queued jobs here too, so that knowledge gets indexed with no server running.
      createBackground(services).start();
      serveMcpStdio(services, options);
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exitCode = command ? 2 : 0;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`flowyte: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
