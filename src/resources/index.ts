/** MCP resources (agent configs, the OpenAPI document, the build guide) and prompts. */
import fs from 'node:fs';
import { z } from 'zod';
import { completable, McpServer, ProtocolError, ProtocolErrorCode, ResourceTemplate } from '@modelcontextprotocol/server';
import { grants } from '../auth/scopes.ts';
import { compileCurrent, withoutSecrets } from '../runtime/compile.ts';
import { buildOpenApi } from '../http/openapi.ts';
import type { McpSession } from '../mcp/server.ts';
import { packagePath } from '../package-root.ts';

const BUILD_GUIDE = fs.readFileSync(packagePath('src', 'resources', 'build-guide.md'), 'utf8');
const openApiCache = new WeakMap<McpSession['tools'], string>();

function json(uri: URL, value: unknown) {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] };
}

export function registerResources(server: McpServer, session: McpSession): void {
  const { services, actor } = session;
  const canReadAgents = grants(actor.scopes, 'agents:read');
  /** Completion of an agent id: the caller's own agents whose id starts with, or name contains, what was typed. */
  const completeAgentId = (typed: string) =>
    canReadAgents ? services.agents.list(actor.orgId, { idOrName: typed.trim() }, { limit: 100 }).items.map((agent) => agent.id) : [];

  server.registerResource(
    'agent-config',
    new ResourceTemplate('flowyte://agents/{id}/config', {
      list: async () => {
        if (!canReadAgents) return { resources: [] };
        const page = services.agents.list(actor.orgId, {}, { limit: 100 });
        return {
          resources: page.items.map((agent) => ({
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
      const agent = canReadAgents ? services.agents.find(actor.orgId, String(variables.id)) : undefined;
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

  server.registerResource(
    'openapi',
    'flowyte://openapi.json',
    { title: 'OpenAPI document', description: 'The REST contract, generated from the same registry as these tools.', mimeType: 'application/json' },
    async (uri) => {
      let text = openApiCache.get(session.tools);
      if (!text) {
        text = JSON.stringify(buildOpenApi(session.tools, services.config.publicBaseUrl));
        openApiCache.set(session.tools, text);
      }
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
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
