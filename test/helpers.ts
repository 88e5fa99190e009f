/** Test fixtures: an in-memory platform with two orgs, and REST/MCP clients for them. */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { loadConfig, type Config } from '../src/config.ts';
import { createServices, type Logger, type Services } from '../src/services.ts';
import { createApp } from '../src/http/app.ts';
import { SECRET_KEY_SCOPES, type Scope } from '../src/auth/scopes.ts';
import type { Bootstrap } from '../src/store/credentials.ts';
import type { Tool } from '../src/tools/types.ts';
import type { Problem } from '../src/errors.ts';
import { TOOLS } from '../src/tools/index.ts';
import { buildMcpServer } from '../src/mcp/server.ts';
import type { McpServer } from '@modelcontextprotocol/server';
import { DEFAULT_MCP_OPTIONS, type McpOptions } from '../src/mcp/selection.ts';
import { resolveActor } from '../src/auth/actor.ts';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatScript } from './support/chat-completions-server.ts';
import type { Closable } from './fixtures/cleanup.ts';

export const quietLogger: Logger = { error: () => {}, info: () => {} };

export interface Platform {
  services: Services;
  app: ReturnType<typeof createApp>;
  orgA: Bootstrap;
  orgB: Bootstrap;
  /** A REST call as org A's full key unless another token is given. */
  request(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<Response>;
  /** A key of org A with only these scopes. */
  keyWith(scopes: Scope[]): string;
  close(): void;
}

/**
 * The override of a deployment that charges the wallet (FLOWYTE_BILLING=prepaid); platforms are
 * otherwise on the self-hosted default, billing off. `createPlatform(PREPAID)`, or spread it into
 * other overrides.
 */
export const PREPAID = { billing: 'prepaid' } as const satisfies Partial<Config>;

export function createPlatform(overrides: Partial<Config> = {}, tools: readonly Tool[] = TOOLS, now?: () => Date): Platform {
  const config = { ...loadConfig({ FLOWYTE_DATABASE: ':memory:' }), orgRateLimitPerMinute: 100_000, keyRateLimitPerMinute: 100_000, ...overrides };
  const services = createServices(config, { logger: quietLogger, now });
  const app = createApp(services, { tools });
  const orgA = services.credentials.bootstrapOrg('Org A', 'a@example.com', SECRET_KEY_SCOPES);
  const orgB = services.credentials.bootstrapOrg('Org B', 'b@example.com', SECRET_KEY_SCOPES);
  return {
    services,
    app,
    orgA,
    orgB,
    request: (method, path, options = {}) => {
      const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? orgA.apiKey.secret}`, ...options.headers };
      if (options.body !== undefined) headers['Content-Type'] = 'application/json';
      return Promise.resolve(
        app.request(`/api/v1${path}`, {
          method,
          headers,
          body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
        }),
      );
    },
    keyWith: (scopes) => services.credentials.apiKeys.create(orgA.org.id, { name: `only ${scopes.join(' ')}`, scopes }).secret,
    close: () => services.close(),
  };
}

export interface McpConnectOptions {
  token?: string;
  mcp?: Partial<McpOptions>;
  elicitation?: boolean;
  tools?: readonly Tool[];
}

/** The MCP server a token would get (all toolsets unless `mcp` says otherwise), not yet connected. */
export function mcpServerFor(platform: Platform, options: McpConnectOptions = {}): McpServer {
  const actor = resolveActor(platform.services.credentials, `Bearer ${options.token ?? platform.orgA.apiKey.secret}`);
  return buildMcpServer({
    tools: options.tools ?? TOOLS,
    services: platform.services,
    actor,
    options: { ...DEFAULT_MCP_OPTIONS, toolsets: ['all'], ...options.mcp },
  });
}

/** A real MCP client connected in memory to the server a token would get. */
export async function connectMcp(platform: Platform, options: McpConnectOptions = {}): Promise<Client> {
  const server = mcpServerFor(platform, options);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'flowyte-test', version: '1.0.0' }, { capabilities: options.elicitation ? { elicitation: { form: {} } } : {} });
  await client.connect(clientTransport);
  return client;
}

/** A tool result as either MCP client line (SDK 1.x or 2.x) returns it. */
export interface McpToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: unknown;
}

/**
 * The problem document of an MCP `isError` result: its text content, as JSON. Throws (failing the
 * test) when the result is not an error, carries structuredContent, or its text is not a problem.
 */
export function problemOf(result: McpToolResult): Problem {
  if (result.isError !== true) throw new Error(`not an isError result: ${JSON.stringify(result)}`);
  if (result.structuredContent !== undefined) throw new Error(`an isError result with structuredContent: ${JSON.stringify(result)}`);
  const blocks = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
  const text = blocks.find((block) => block.type === 'text')?.text;
  const problem = text === undefined ? undefined : (JSON.parse(text) as Problem);
  if (typeof problem?.code !== 'string') throw new Error(`an isError result without a problem document: ${JSON.stringify(result)}`);
  return problem;
}

/** The JSON body of a response. */
export async function body<T = any>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/**
 * A platform whose configured model is a local server speaking the chat-completions protocol and
 * answering with `script`; `opened` (closeAfterEach) closes both after the test.
 */
export async function createPlatformWithModel(
  script: ChatScript,
  opened: <T extends Closable>(thing: T) => T,
): Promise<{ platform: Platform; server: ChatCompletionsServer }> {
  const server = opened(await startChatCompletionsServer(script));
  const platform = opened(createPlatform({ model: { provider: 'openai', baseUrl: server.baseUrl, apiKey: 'sk-test', name: 'scripted' } }));
  return { platform, server };
}
