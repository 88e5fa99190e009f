/** The systems under test: Flowyte on an on-disk SQLite file, and the bare baselines. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Hono } from 'hono';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { loadConfig } from '../src/config.ts';
import { createServices, type Logger, type Services } from '../src/services.ts';
import { createApp } from '../src/http/app.ts';
import { SECRET_KEY_SCOPES } from '../src/auth/scopes.ts';
import type { Bootstrap } from '../src/store/credentials.ts';

const quietLogger: Logger = { error: () => {}, info: () => {} };
/** High enough that no benchmark run is ever throttled (the limits are still checked on every request). */
const UNTHROTTLED = 1_000_000_000;

export interface BenchPlatform {
  services: Services;
  app: ReturnType<typeof createApp>;
  org: Bootstrap;
  /** A full-scope secret key of the org. */
  key: string;
  agentId: string;
  /** The REST body of GET /api/v1/agents/{agentId}, for the bare baseline to return. */
  agentEnvelope: { success: true; data: Record<string, unknown> };
  dataDir: string;
  close(): void;
}

/** Build Flowyte like a real server: SQLite file in a fresh temp dir, one org, one key, one agent. */
export async function createBenchPlatform(): Promise<BenchPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flowyte-bench-'));
  const config = {
    ...loadConfig({ FLOWYTE_DATA_DIR: dataDir }),
    orgRateLimitPerMinute: UNTHROTTLED,
    keyRateLimitPerMinute: UNTHROTTLED,
  };
  const services = createServices(config, { logger: quietLogger });
  const app = createApp(services);
  const org = services.credentials.bootstrapOrg('Bench Org', 'bench@example.com', SECRET_KEY_SCOPES);
  const key = org.apiKey.secret;
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };

  const created = await app.request('/api/v1/agents', {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Bench receptionist',
      description: 'Answers the phone for the benchmark.',
      persona: { role: 'Receptionist of a dental clinic', goals: ['Book appointments', 'Answer opening-hour questions'], neverDo: ['Give medical advice'], tone: 'warm' },
    }),
  });
  if (created.status !== 201) throw new Error(`creating the bench agent failed: ${created.status} ${await created.text()}`);
  const agentId = ((await created.json()) as { data: { id: string } }).data.id;
  const fetched = await app.request(`/api/v1/agents/${agentId}`, { headers });
  if (fetched.status !== 200) throw new Error(`reading the bench agent failed: ${fetched.status} ${await fetched.text()}`);
  const agentEnvelope = (await fetched.json()) as BenchPlatform['agentEnvelope'];

  return {
    services,
    app,
    org,
    key,
    agentId,
    agentEnvelope,
    dataDir,
    close: () => {
      services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A bare Hono app with the same route shape, returning the same JSON (serialised per request). */
export function bareRestApp(envelope: BenchPlatform['agentEnvelope']): Hono {
  const app = new Hono();
  app.get('/api/v1/agents/:id', (c) => c.json({ ...envelope, data: { ...envelope.data, id: c.req.param('id') } }));
  return app;
}

/** A bare McpServer with one tool answering like get_agent, with no work behind it. */
export function bareMcpServer(agent: Record<string, unknown>): McpServer {
  const server = new McpServer({ name: 'bare', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.registerTool('get_agent', { description: 'Returns a canned agent.', inputSchema: z.object({ id: z.string() }) }, async ({ id }) => {
    const data = { ...agent, id };
    return { structuredContent: data, content: [{ type: 'text', text: JSON.stringify(data) }] };
  });
  return server;
}

/** A bare Streamable HTTP endpoint: createMcpHandler with a fresh bare server per request, no auth. */
export function bareMcpHttpApp(agent: Record<string, unknown>): { app: Hono; close(): Promise<void> } {
  const handler = createMcpHandler(() => bareMcpServer(agent));
  const app = new Hono();
  app.all('/mcp', (c) => handler.fetch(c.req.raw));
  return { app, close: () => handler.close() };
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serve a fetch handler with @hono/node-server on an ephemeral loopback port. */
export function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    // eslint-disable-next-line prefer-const
    server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as import('node:http').Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.on('error', reject);
  });
}
