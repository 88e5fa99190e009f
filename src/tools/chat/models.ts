/**
 * OpenAI's model list for the OpenAI-compatible face: each published agent is a model, so an
 * OpenAI client (or a tool that lets you pick a model) can discover the agent ids it may call.
 */
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { FlowyteError } from '../../errors.ts';
import type { AgentRecord } from '../../store/agents.ts';

export const modelSchema = z.object({
  id: z.string().describe('The agent id: pass it as `model` to /chat/completions.'),
  object: z.literal('model'),
  created: z.number().int().describe('When the agent was created, in Unix seconds.'),
  owned_by: z.string().describe('The id of the organization the agent belongs to.'),
});

/** An agent in OpenAI's model shape. */
function presentModel(agent: AgentRecord) {
  return { id: agent.id, object: 'model' as const, created: Math.floor(Date.parse(agent.createdAt) / 1000), owned_by: agent.orgId };
}

export const listModels = defineTool({
  name: 'list_models',
  title: 'List models (OpenAI-compatible)',
  description:
    'Lists your published agents as OpenAI models ({ object: "list", data: [...] }), for OpenAI clients that discover models; each id is an agent id to pass as `model` to /chat/completions. Not paged (as OpenAI\'s list is not); drafts never published and deleted agents are left out.',
  http: { method: 'GET', path: '/models', wire: 'openai' },
  scope: 'chat:read',
  toolset: 'chat',
  flags: { readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({ object: z.literal('list'), data: z.array(modelSchema).describe('Every published agent, oldest first.') }),
  execute: async (_input, context) => ({
    object: 'list' as const,
    data: context.services.agents.listPublished(context.org.id).map(presentModel),
  }),
});

export const retrieveModel = defineTool({
  name: 'retrieve_model',
  title: 'Get a model (OpenAI-compatible)',
  description:
    'One published agent as an OpenAI model. An id that is not a published agent of yours (unknown, never published, deleted) is a 404 in OpenAI\'s error shape.',
  http: { method: 'GET', path: '/models/{model}', wire: 'openai' },
  scope: 'chat:read',
  toolset: 'chat',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ model: idField('The agent id (agt_…).') }),
  output: modelSchema,
  execute: async (input, context) => {
    const agent = context.services.agents.find(context.org.id, input.model);
    if (!agent?.publishedVersionId) {
      throw new FlowyteError('not_found', `model ${input.model} does not exist: models are the ids of your published agents`, {
        errors: [{ field: 'model', message: 'is not a published agent of this account' }],
      });
    }
    return presentModel(agent);
  },
});
