/** Create, read, update, delete agents, and set their voice. */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, ifMatchField, pageInput, pageOf, paginate } from '../define.ts';
import { agentDraftSchema, agentDraftShape, normalizeDraft } from '../../runtime/agent-schema.ts';
import { FlowyteError, notFound, type FieldError } from '../../errors.ts';
import { isCatalogLanguage } from '../meta.ts';
import { writeTransaction } from '../../store/db.ts';
import { loadAgent, parseIfMatch, presentAgent, agentSchema, versionConflict } from './present.ts';

const agentId = idField('The agent id (agt_…).');

/** Draft fields for a partial update: no defaults, so that absent fields stay as they are. */
const updateShape = Object.fromEntries(
  Object.entries(agentDraftShape).map(([field, schema]) => {
    const bare = schema instanceof z.ZodDefault ? schema.unwrap() : schema;
    return [field, (bare as z.ZodType).optional().describe(schema.description ?? bare.description ?? field)];
  }),
) as { [K in keyof typeof agentDraftShape]: z.ZodOptional<z.ZodType<z.output<(typeof agentDraftShape)[K]>>> };

/** Fail with 422 unless the languages a request sets are in the language catalog (/meta/languages). */
function checkLanguages(fields: { primaryLanguage?: string; languages?: string[] }): void {
  const message = 'is not a language of the catalog (GET /meta/languages)';
  const errors: FieldError[] = [
    ...(fields.primaryLanguage === undefined || isCatalogLanguage(fields.primaryLanguage) ? [] : [{ field: 'primaryLanguage', message }]),
    ...(fields.languages ?? []).flatMap((code, index) => (isCatalogLanguage(code) ? [] : [{ field: `languages.${index}`, message }])),
  ];
  if (errors.length) {
    throw new FlowyteError('unprocessable', errors.map((error) => `${error.field} ${message}`).join('; ').slice(0, 500), { errors });
  }
}

export const listAgents = defineTool({
  name: 'list_agents',
  title: 'List agents',
  description: 'Lists the agents in your organization, newest first. Filter by status or by part of the name.',
  http: { method: 'GET', path: '/agents' },
  scope: 'agents:read',
  toolset: 'agents',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({
    status: z.enum(['draft', 'published']).optional().describe('Only agents never published (draft) or with a live version (published).'),
    q: z.string().max(120).optional().describe('Case-insensitive text the agent name contains.'),
    ...pageInput,
  }),
  output: pageOf(agentSchema),
  execute: async (input, context) =>
    paginate(
      context,
      input,
      (page) => context.services.agents.list(context.org.id, { status: input.status, nameContains: input.q }, page),
      (agent) => presentAgent(context.services, agent),
    ),
});

export const createAgent = defineTool({
  name: 'create_agent',
  title: 'Create an agent',
  description:
    'Creates an agent as a draft. Only name is required; everything else has a sensible default and can be changed later. Publish it before live channels can serve it.',
  http: { method: 'POST', path: '/agents', successStatus: 201 },
  scope: 'agents:write',
  toolset: 'agents',
  input: agentDraftSchema,
  output: agentSchema,
  execute: async (input, context) => {
    checkLanguages(input);
    return presentAgent(context.services, context.services.agents.create(context.org.id, normalizeDraft(input)));
  },
});

export const getAgent = defineTool({
  name: 'get_agent',
  title: 'Get an agent',
  description: 'Returns one agent with its current draft configuration and publish status.',
  http: { method: 'GET', path: '/agents/{id}' },
  scope: 'agents:read',
  toolset: 'agents',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ id: agentId }),
  output: agentSchema,
  execute: async (input, context) => presentAgent(context.services, loadAgent(context, input.id)),
});

export const updateAgent = defineTool({
  name: 'update_agent',
  title: 'Update an agent',
  description:
    'Changes fields of the agent draft. Send only what changes; an object field such as persona or handoffConfig is replaced as a whole. Pass the version you last read as If-Match to avoid overwriting someone else\'s edit: a stale one fails with 409 and the current agent. Live channels see the change after the next publish.',
  http: { method: 'PATCH', path: '/agents/{id}' },
  scope: 'agents:write',
  toolset: 'agents',
  flags: { ifMatch: true },
  input: z.object({ id: agentId, ifMatch: ifMatchField, ...updateShape }),
  output: agentSchema,
  execute: async (input, context) => {
    const { id, ifMatch, ...changes } = input;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    checkLanguages(defined);
    const result = context.services.agents.updateDraft(context.org.id, id, parseIfMatch(ifMatch), (draft) =>
      normalizeDraft(agentDraftSchema.parse({ ...draft, ...defined })),
    );
    if (result.status === 'not_found') throw notFound('agent', id);
    if (result.status === 'conflict') {
      throw versionConflict(context.services, result.current, `the agent is at version ${result.current.version}, not ${ifMatch}; refetch, re-apply and retry`);
    }
    return presentAgent(context.services, result.agent);
  },
});

export const deleteAgent = defineTool({
  name: 'delete_agent',
  title: 'Delete an agent',
  description:
    'Deletes an agent: it leaves your list and stops serving calls and chats; its knowledge is removed, its publishable keys are revoked and its phone numbers go back to your pool. This cannot be undone.',
  http: { method: 'DELETE', path: '/agents/{id}' },
  scope: 'agents:write',
  toolset: 'agents',
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: agentId }),
  output: deletedOutput('agent'),
  execute: async (input, context) => {
    const { services, org } = context;
    const deleted = writeTransaction(services.db, () => {
      if (!services.agents.softDelete(org.id, input.id)) return false;
      for (const source of services.knowledge.allSources(org.id, input.id)) services.knowledge.deleteSource(org.id, input.id, source.id);
      services.publishableKeys.revokeAll(org.id, input.id);
      services.numbers.unassignAgent(org.id, input.id);
      return true;
    });
    if (!deleted) throw notFound('agent', input.id);
    return { id: input.id, deleted: true as const };
  },
});

export const setAgentVoice = defineTool({
  name: 'set_agent_voice',
  title: "Set the agent's voice",
  description:
    "Assigns a catalog voice to the agent for one language (the primary language when none is given). Other languages keep their voices. Find voice ids with list_voices or search_voices.",
  http: { method: 'PUT', path: '/agents/{id}/voice' },
  scope: 'agents:write',
  toolset: 'agents',
  flags: { idempotent: true },
  input: z.object({
    id: agentId,
    voiceId: z.string().min(1).max(100).describe('A voice id from the catalog (voc_…).'),
    language: agentDraftShape.primaryLanguage.unwrap().optional().describe('Language the voice is for; defaults to the primary language.'),
  }),
  output: agentSchema,
  execute: async (input, context) => {
    const voice = context.services.voices.find(input.voiceId);
    if (!voice) throw notFound('voice', input.voiceId);
    const result = context.services.agents.updateDraft(context.org.id, input.id, undefined, (draft) => {
      const language = input.language ?? draft.primaryLanguage;
      const base = language.split('-')[0];
      if (!voice.supportedLanguages.includes(language) && !voice.supportedLanguages.includes(base)) {
        throw new FlowyteError('unprocessable', `voice ${voice.id} does not speak ${language}`, {
          errors: [{ field: 'language', message: `${voice.id} supports ${voice.supportedLanguages.join(', ')}` }],
        });
      }
      const languages = draft.languages.includes(language) ? draft.languages : [...draft.languages, language];
      return {
        ...draft,
        languages,
        voiceMap: { ...draft.voiceMap, [language]: voice.id },
        defaultVoiceId: language === draft.primaryLanguage ? voice.id : draft.defaultVoiceId,
      };
    });
    if (result.status !== 'updated') throw notFound('agent', input.id);
    return presentAgent(context.services, result.agent);
  },
});
