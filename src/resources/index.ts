/** MCP resources (agent configs, the OpenAPI document, the build guide) and prompts. */
import fs from 'node:fs';
import { z } from 'zod';
import { completable, McpServer, ProtocolError, ProtocolErrorCode, ResourceTemplate } from '@modelcontextprotocol/server';
import { grants } from '../auth/scopes.ts';
import { compileCurrent, withoutSecrets } from '../runtime/compile.ts';
import { buildOpenApi, openApiDocument } from '../http/openapi.ts';
import type { McpSession } from '../mcp/server.ts';
import { packagePath } from '../package-root.ts';
import { TOOLSETS } from '../tools/toolsets.ts';

const BUILD_GUIDE = fs.readFileSync(packagePath('src', 'resources', 'build-guide.md'), 'utf8');
/** The OpenAPI document as text, whole (key '') and per toolset, once per tool list. */
const openApiCache = new WeakMap<McpSession['tools'], Map<string, string>>();

function openApiText(session: McpSession, toolset: string): string {
  let texts = openApiCache.get(session.tools);
  if (!texts) openApiCache.set(session.tools, (texts = new Map()));
  let text = texts.get(toolset);
  if (text === undefined) {
    const { tools, services } = session;
    // The whole document is the one REST serves; an area's is built from its tools alone.
    text = JSON.stringify(
      toolset
        ? withUsedComponents(buildOpenApi(tools.filter((tool) => tool.toolset === toolset), services.config.publicBaseUrl))
        : openApiDocument(tools, services.config.publicBaseUrl),
    );
    texts.set(toolset, text);
  }
  return text;
}

/**
 * The document with only the component schemas its operations reference, directly, through the
 * shared responses (problems) or through each other.
 */
function withUsedComponents(document: Record<string, unknown>): Record<string, unknown> {
  const { schemas = {}, ...components } = document.components as { schemas?: Record<string, unknown> };
  const used = new Set<string>();
  const visit = (value: unknown) => {
    for (const [, name] of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (used.has(name)) continue;
      used.add(name);
      visit(schemas[name]);
    }
  };
  visit([document.paths, components]);
  return { ...document, components: { ...components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) } };
}

function json(uri: URL, value: unknown) {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

export function registerResources(server: McpServer, session: McpSession): void {
  const { services, actor } = session;
  const canReadAgents = grants(actor.scopes, 'agents:read');
  // A connection scoped to one agent shows (and completes) that agent only.
  const scopedAgent = session.options.agentId;
  const readableAgent = (id: string) => (canReadAgents && (!scopedAgent || id === scopedAgent) ? services.agents.find(actor.orgId, id) : undefined);
  /** Completion of an agent id: the caller's own agents whose id starts with, or name contains, what was typed. */
  const completeAgentId = (typed: string) =>
    !canReadAgents
      ? []
      : services.agents
          .list(actor.orgId, { idOrName: typed.trim() }, { limit: 100 })
          .items.map((agent) => agent.id)
          .filter((id) => !scopedAgent || id === scopedAgent);

  server.registerResource(
    'agent-config',
    new ResourceTemplate('flowyte://agents/{id}/config', {
      list: async () => {
        if (!canReadAgents) return { resources: [] };
        const agents = scopedAgent ? [readableAgent(scopedAgent)].filter((agent) => agent !== undefined) : services.agents.list(actor.orgId, {}, { limit: 100 }).items;
        return {
          resources: agents.map((agent) => ({
            uri: `flowyte://agents/${agent.id}/config`,
            name: `${agent.draft.name} (compiled draft)`,
            mimeType: 'application/json',
          })),
        };
      },
      complete: { id: completeAgentId },
    }),
    { title: 'Agent config', description: 'An agent\'s compiled draft config and which version is live.', mimeType: 'application/json' },
    async (uri, variables) => {
      const agent = readableAgent(String(variables.id));
      if (!agent) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `agent ${String(variables.id)} was not found`);
      return json(uri, {
        agentId: agent.id,
        draftVersion: agent.version,
        liveVersionId: agent.publishedVersionId,
        liveVersionNumber: agent.publishedVersionNumber,
        compiledDraft: withoutSecrets(compileCurrent(services, agent)),
      });
    },
  );

  const whole = openApiText(session, '');
  server.registerResource(
    'openapi',
    'flowyte://openapi.json',
    {
      title: 'OpenAPI document',
      description: `The whole REST contract (${Math.round(whole.length / 1024)} KB), generated from the same registry as these tools, with every field's description; flowyte://openapi/{toolset}.json holds one area.`,
      mimeType: 'application/json',
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: openApiText(session, '') }] }),
  );

  const toolsets = TOOLSETS.filter((toolset) => session.tools.some((tool) => tool.toolset === toolset.name));
  server.registerResource(
    'openapi-toolset',
    new ResourceTemplate('flowyte://openapi/{toolset}.json', {
      list: async () => ({
        resources: toolsets.map((toolset) => ({
          uri: `flowyte://openapi/${toolset.name}.json`,
          name: `OpenAPI: ${toolset.name}`,
          description: toolset.description,
          mimeType: 'application/json',
        })),
      }),
      complete: { toolset: (prefix) => toolsets.map((toolset) => toolset.name).filter((name) => name.startsWith(prefix)) },
    }),
    {
      title: 'OpenAPI document of one toolset',
      description: 'The operations of one toolset (agents, knowledge, skills, …) and the components they use.',
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const toolset = String(variables.toolset);
      if (!toolsets.some((known) => known.name === toolset)) {
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown toolset ${toolset}; known: ${toolsets.map((known) => known.name).join(', ')}`);
      }
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: openApiText(session, toolset) }] };
    },
  );

  server.registerResource(
    'build-guide',
    'flowyte://guides/build-an-agent',
    { title: 'Build guide for AI agents', description: 'The order of operations to build, publish and run an agent.', mimeType: 'text/markdown' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: BUILD_GUIDE }] }),
  );

  server.registerPrompt(
    'build_agent_from_website',
    {
      title: 'Build an agent from a website',
      description: 'Plan and build a draft agent for a business from its website.',
      argsSchema: z.object({
        url: z.string().describe('The business website.'),
        businessName: z.string().optional().describe('The business name, if known.'),
      }),
    },
    ({ url, businessName }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Build a Flowyte agent for ${businessName ?? 'the business'} at ${url}. Read flowyte://guides/build-an-agent first. Create the agent with a clear persona and greeting, add ${url} as a knowledge source, pick a fitting voice, then show me the pre-publish report and wait for my go-ahead before publishing.`,
          },
        },
      ],
    }),
  );

  server.registerPrompt(
    'review_before_publishing',
    {
      title: 'Review an agent before publishing',
      description: 'Walk through the pre-publish report and diff of an agent and recommend fixes.',
      argsSchema: z.object({ agentId: completable(z.string().describe('The agent to review (agt_…).'), completeAgentId) }),
    },
    ({ agentId }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Review agent ${agentId} before it goes live. Call get_prepublish_report, and if it has a live version, diff_agent_version against it. Summarize what will change for callers, list every warning with a concrete fix, and say whether it is safe to publish. Do not publish yourself.`,
          },
        },
      ],
    }),
  );
}
