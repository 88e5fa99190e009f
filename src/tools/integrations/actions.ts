/** Ready-made actions of curated providers: list them, provision them as skills on an agent, remove the skills again. */
import { z } from 'zod';
import { defineTool, idField } from '../define.ts';
import { FlowyteError } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import { presentSkill, skillSchema } from '../skills.ts';
import { connectionContext, kindField, providerOf } from '../../runtime/integrations/connections.ts';
import type { ActionDefinition } from '../../runtime/integrations/provider.ts';
import { installPack } from '../../runtime/integrations/packs.ts';
import { parseExecutionConfig } from '../../runtime/skills/definition.ts';
import type { SkillFields } from '../../store/skills.ts';

const TOOLSET = 'integrations';
const agentId = idField('The agent id (agt_…).');
const actionRef = (slug: string) => `action:${slug}`;

const actionOutput = z.object({
  slug: z.string().describe('The action, as provisioning names it.'),
  name: z.string().describe('Display name; the provisioned skill gets it.'),
  description: z.string().describe('What it does; the provisioned skill gets it.'),
  parameters: z.record(z.string(), z.unknown()).describe('JSON Schema of what the agent collects from the person.'),
  important: z.boolean().describe('Provisioned when no actions are named.'),
  readOnly: z.boolean().describe('Only reads: nothing changes in the provider.'),
  configNeeded: z
    .array(z.object({ key: z.string().describe('The executionConfig key.'), description: z.string().describe('What to set it to.') }))
    .describe('Settings an operator must fill (update_skill executionConfig) before it runs; until then its skill is provisioned disabled.'),
});

export const listIntegrationActions = defineTool({
  name: 'list_integration_actions',
  title: "List an integration's available actions",
  description:
    "The ready-made actions of a provider, each of which provisions as one skill: its slug, what it does, the parameters the agent collects, whether it only reads, and the settings an operator still has to fill. Read this rather than guessing slugs. Providers used through bindings or a Connector Pack have none.",
  http: { method: 'GET', path: '/integrations/{kind}/actions' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ kind: kindField }),
  output: z.object({ kind: z.string().describe('The provider.'), items: z.array(actionOutput).describe('Its actions.') }),
  execute: async (input) => ({
    kind: input.kind,
    items: providerOf(input.kind).actions.map((action) => ({
      slug: action.slug,
      name: action.name,
      description: action.description,
      parameters: action.parametersSchema,
      important: action.important,
      readOnly: action.readOnly,
      configNeeded: action.configNeeded,
    })),
  }),
});

/** The skill an action provisions as: enabled unless an operator still has settings to fill. */
function actionSkill(kind: string, action: ActionDefinition): SkillFields {
  const { config } = parseExecutionConfig('integration_action', { kind, action: action.slug });
  return {
    name: action.name,
    description: action.description,
    skillType: 'integration_action',
    parametersSchema: structuredClone(action.parametersSchema),
    executionConfig: config,
    enabled: action.configNeeded.length === 0,
    requiresConfirmation: false,
    stakes: action.readOnly ? 'low' : 'medium',
    requiresVerifiedIdentity: false,
    verificationLevel: 'basic',
    allowedFields: null,
  };
}

/** The named actions (each once, in the order given), or the important ones; an unknown slug is a 400 naming it. */
function chosenActions(actions: ActionDefinition[], slugs: string[] | undefined, kind: string): ActionDefinition[] {
  if (!slugs) return actions.filter((action) => action.important);
  const errors = slugs.flatMap((slug, index) =>
    actions.some((action) => action.slug === slug) ? [] : [{ field: `actions.${index}`, message: `${slug} is not an action of ${kind} (GET /integrations/${kind}/actions)` }],
  );
  if (errors.length) throw new FlowyteError('validation_error', errors.map((error) => error.message).join('; '), { errors });
  return [...new Set(slugs)].map((slug) => actions.find((action) => action.slug === slug)!);
}

export const provisionIntegrationActions = defineTool({
  name: 'provision_integration_actions',
  title: "Add an integration's actions as skills",
  description:
    "Turns a connected provider's ready-made actions into skills on the agent's draft, one skill per action: the ones named in actions, or the important ones when none are named. Safe to re-run: an action already provisioned comes back with created false and is left as it is. An action that still needs operator settings lands disabled until they are set with update_skill. Publish for live channels to use them. 409 integration_not_connected before connecting.",
  http: { method: 'POST', path: '/agents/{agentId}/integrations/{kind}/provision' },
  scope: 'skills:write',
  toolset: TOOLSET,
  flags: { list: true, idempotent: true },
  input: z.object({
    agentId,
    kind: kindField,
    actions: z
      .array(z.string().min(1).max(64).describe('An action slug.'))
      .min(1)
      .max(50)
      .optional()
      .describe('Action slugs from list_integration_actions; omit to provision the important ones.'),
  }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    items: z.array(z.object({ skill: skillSchema, created: z.boolean().describe('false when the action was already provisioned (left unchanged).') })).describe('One per action, in order.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { services, org } = context;
    const { provider } = connectionContext(services, org.id, input.kind);
    // A pack-based provider (no actions of its own) provisions its Connector Pack's presets.
    if (provider.actions.length === 0 && provider.pack) {
      const installed = await installPack(services, org.id, agent.id, input.kind, input.actions, context.signal);
      return { kind: input.kind, items: installed.map(({ skill, created }) => ({ skill: presentSkill(skill), created })) };
    }
    const items = chosenActions(provider.actions, input.actions, input.kind).map((action) => {
      const origin = { kind: input.kind, ref: actionRef(action.slug) };
      const existing = services.skills.findByOrigin(org.id, agent.id, origin);
      if (existing) return { skill: presentSkill(existing), created: false };
      return { skill: presentSkill(services.skills.create(org.id, agent.id, actionSkill(input.kind, action), origin)), created: true };
    });
    return { kind: input.kind, items };
  },
});

export const removeIntegrationSkills = defineTool({
  name: 'remove_integration_skills',
  title: "Remove an integration's skills from an agent",
  description:
    "Deletes the agent's skills made from a provider (provisioned actions, bindings, pack presets) from its draft, and answers their ids; skills made by hand and skills of other providers stay. Live channels keep them until the next publish.",
  http: { method: 'DELETE', path: '/agents/{agentId}/integrations/{kind}/provision' },
  scope: 'skills:write',
  toolset: TOOLSET,
  flags: { list: true, destructive: true, idempotent: true },
  input: z.object({ agentId, kind: kindField }),
  output: z.object({ kind: z.string().describe('The provider.'), items: z.array(z.string()).describe('Ids of the deleted skills (empty when there were none).') }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    providerOf(input.kind);
    return { kind: input.kind, items: context.services.skills.removeIntegration(context.org.id, agent.id, input.kind) };
  },
});
