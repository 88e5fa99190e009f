/** Skills: the skill-type catalog, and the actions an agent can take (create, list, read, change, remove). */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, pageInput, pageOf, paginate } from './define.ts';
import { notFound } from '../errors.ts';
import { loadAgent } from './agents/present.ts';
import type { ToolContext } from './types.ts';
import type { SkillFields, SkillRecord } from '../store/skills.ts';
import {
  SKILL_TYPES, SKILL_TYPE_NAMES, compileParameters, parseExecutionConfig, redactExecutionConfig,
} from '../runtime/skills/definition.ts';
import { SKILL_KINDS } from '../runtime/skills/kinds.ts';
import { assertAllowedDestination } from '../runtime/net/destination.ts';

const agentId = idField('The agent id (agt_…).');
const skillId = idField('The skill id (skl_…).');
const REDACTED = '(set)';

const skillFieldsShape = {
  name: z.string().trim().min(1).max(120).describe('Short name, e.g. "Submit order"; the model sees it as the tool name.'),
  description: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe('When to use it, written as the condition ("Send the confirmed order to the kitchen once the caller confirms").'),
  skillType: z.enum(SKILL_TYPE_NAMES).describe('What kind of action (GET /skill-types).'),
  parametersSchema: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('JSON Schema object of what the model collects: { "type": "object", "properties": { … }, "required": [ … ] }.'),
  requiredParams: z.array(z.string().max(64).describe('A property name.')).max(50).optional().describe('Properties that must be collected first (merged into the schema\'s required).'),
  executionConfig: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('Operator settings of the type (URL, destination, …); never shown to the model. Header values come back as "(set)"; send "(set)" to keep one.'),
  enabled: z.boolean().default(true).describe('Disabled skills are left out of the compiled agent.'),
  requiresConfirmation: z.boolean().default(false).describe('The agent asks the person to confirm before it runs.'),
  stakes: z.enum(['low', 'medium', 'high']).default('low').describe('How much is at stake; higher stakes get stricter gates.'),
  requiresVerifiedIdentity: z.boolean().default(false).describe('Runs only once the caller is verified.'),
  verificationLevel: z.enum(['basic', 'step_up']).default('basic').describe('The verification level it needs.'),
  allowedFields: z.array(z.string().max(100).describe('A result field name.')).max(100).nullable().default(null).describe('Result fields the model may see; null for all.'),
};

export const skillSchema = z.object({
  id: z.string().describe('Skill id (skl_…).'),
  agentId: z.string().describe('The agent.'),
  ...skillFieldsShape,
  parametersSchema: z.record(z.string(), z.unknown()).describe('What the model collects (a JSON Schema object).'),
  requiredParams: z.array(z.string()).describe('Properties that must be collected first.'),
  executionConfig: z.record(z.string(), z.unknown()).describe('Operator settings; secret values show as "(set)".'),
  integration: z
    .object({
      kind: z.string().describe('The provider it was made from.'),
      ref: z.string().describe('What of the provider it was made from: action:<slug>, a binding or a pack preset.'),
    })
    .nullable()
    .describe('The integration the skill was made from (provisioned, bound or installed from a pack); null for a skill made by hand.'),
  createdAt: z.string().describe('When it was added.'),
  updatedAt: z.string().describe('When it last changed.'),
});

/** A skill as the API shows it: secret settings redacted, the required parameters listed. */
export function presentSkill(skill: SkillRecord): z.input<typeof skillSchema> {
  const required = skill.parametersSchema.required;
  return {
    ...skill,
    executionConfig: redactExecutionConfig(skill.executionConfig),
    requiredParams: Array.isArray(required) ? (required as string[]) : [],
  };
}

function loadSkill(context: ToolContext, agent: string, id: string): SkillRecord {
  const skill = context.services.skills.find(context.org.id, agent, id);
  if (!skill) throw notFound('skill', id);
  return skill;
}

type SkillInput = Omit<z.output<z.ZodObject<typeof skillFieldsShape>>, never>;

/** Check a skill as a whole and put it in stored form (headers sent back as "(set)" keep their values). */
async function toFields(input: SkillInput, context: ToolContext, previous?: SkillRecord): Promise<SkillFields> {
  const rawConfig = { ...input.executionConfig };
  const previousHeaders = (previous?.executionConfig.headers ?? {}) as Record<string, string>;
  if (rawConfig.headers && typeof rawConfig.headers === 'object') {
    rawConfig.headers = Object.fromEntries(
      Object.entries(rawConfig.headers as Record<string, string>).map(([name, value]) => [name, value === REDACTED ? previousHeaders[name] ?? '' : value]),
    );
  }
  const { config, parameters } = parseExecutionConfig(input.skillType, rawConfig);
  const { services } = context;
  const { allowPrivateNetwork } = services.config;
  const kind = SKILL_KINDS.get(input.skillType);
  for (const setting of kind?.urlSettings ?? []) {
    if (typeof config[setting] === 'string') await assertAllowedDestination(config[setting], { allowPrivateNetwork }, `executionConfig.${setting}`);
  }
  const environment = { skills: services.skills, allowPrivateNetwork, fetchMaxBytes: services.config.fetchMaxBytes };
  const discovered = input.parametersSchema || parameters ? undefined : await kind?.discoverParameters?.(config, environment);
  const schema = { ...(input.parametersSchema ?? parameters ?? discovered ?? { type: 'object', properties: {} }) };
  if (input.requiredParams?.length) schema.required = [...new Set([...((schema.required as string[] | undefined) ?? []), ...input.requiredParams])];
  compileParameters(schema);
  return {
    name: input.name,
    description: input.description,
    skillType: input.skillType,
    parametersSchema: schema,
    executionConfig: config,
    enabled: input.enabled,
    requiresConfirmation: input.requiresConfirmation,
    stakes: input.stakes,
    requiresVerifiedIdentity: input.requiresVerifiedIdentity,
    verificationLevel: input.verificationLevel,
    allowedFields: input.allowedFields,
  };
}

export const listSkillTypes = defineTool({
  name: 'list_skill_types',
  title: 'List available skill types',
  description: 'The kinds of action a skill can perform, with the execution settings each takes and whether this release can run it.',
  http: { method: 'GET', path: '/skill-types' },
  scope: 'skills:read',
  toolset: 'skills',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({
    items: z
      .array(
        z.object({
          skillType: z.string().describe('The type name to use as skillType.'),
          name: z.string().describe('Display name.'),
          category: z.string().describe('actions, handoff, location, …'),
          description: z.string().describe('What it does.'),
          executionConfig: z.record(z.string(), z.string()).describe('The settings it takes, each with what it means.'),
          available: z.boolean().describe('Whether skills of this type can be created and run in this release.'),
        }),
      )
      .describe('Every skill type.'),
  }),
  execute: async () => ({ items: SKILL_TYPES.map((type) => ({ ...type })) }),
});

export const createSkill = defineTool({
  name: 'create_skill',
  title: 'Create a skill',
  description:
    'Adds an action the agent can take in conversations: call your webhook, transfer to a person, take a message, … Its parameters are what the model collects; its executionConfig stays with the operator. Live channels get it after the next publish.',
  http: { method: 'POST', path: '/agents/{agentId}/skills', successStatus: 201 },
  scope: 'skills:write',
  toolset: 'skills',
  input: z.object({ agentId, ...skillFieldsShape }),
  output: skillSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { agentId: _agent, ...fields } = input;
    return presentSkill(context.services.skills.create(context.org.id, agent.id, await toFields(fields, context)));
  },
});

export const listSkills = defineTool({
  name: 'list_skills',
  title: "List an agent's skills",
  description: 'The skills of an agent, newest first.',
  http: { method: 'GET', path: '/agents/{agentId}/skills' },
  scope: 'skills:read',
  toolset: 'skills',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId, ...pageInput }),
  output: pageOf(skillSchema),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return paginate(context, input, (page) => context.services.skills.list(context.org.id, agent.id, page), presentSkill);
  },
});

export const getSkill = defineTool({
  name: 'get_skill',
  title: 'Get a skill',
  description: 'One skill with its whole configuration (secret values show as "(set)").',
  http: { method: 'GET', path: '/agents/{agentId}/skills/{id}' },
  scope: 'skills:read',
  toolset: 'skills',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId, id: skillId }),
  output: skillSchema,
  execute: async (input, context) => presentSkill(loadSkill(context, loadAgent(context, input.agentId).id, input.id)),
});

// Defaults belong to creation: a field left out of an update keeps its stored value.
const updateShape = Object.fromEntries(
  Object.entries(skillFieldsShape).map(([name, schema]) => [
    name,
    schema instanceof z.ZodDefault ? schema.removeDefault().optional().describe(schema.description ?? '') : (schema as z.ZodType).optional(),
  ]),
) as { [K in keyof typeof skillFieldsShape]: z.ZodOptional<(typeof skillFieldsShape)[K]> };

export const updateSkill = defineTool({
  name: 'update_skill',
  title: 'Update a skill',
  description: 'Changes fields of a skill; send only what changes (executionConfig and parametersSchema are replaced as a whole). Live after the next publish.',
  http: { method: 'PATCH', path: '/agents/{agentId}/skills/{id}' },
  scope: 'skills:write',
  toolset: 'skills',
  input: z.object({ agentId, id: skillId, ...updateShape }),
  output: skillSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const current = loadSkill(context, agent.id, input.id);
    const { agentId: _agent, id, ...changes } = input;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const merged = { ...current, executionConfig: redactExecutionConfig(current.executionConfig), ...defined } as SkillInput;
    // The stored parametersSchema stays unless a new one is sent.
    const updated = context.services.skills.update(context.org.id, agent.id, id, await toFields(merged, context, current));
    if (!updated) throw notFound('skill', id);
    return presentSkill(updated);
  },
});

export const deleteSkill = defineTool({
  name: 'delete_skill',
  title: 'Delete a skill',
  description: 'Removes a skill from the agent\'s draft; live channels keep it until the next publish.',
  http: { method: 'DELETE', path: '/agents/{agentId}/skills/{id}' },
  scope: 'skills:write',
  toolset: 'skills',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, id: skillId }),
  output: deletedOutput('skill'),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    if (!context.services.skills.delete(context.org.id, agent.id, input.id)) throw notFound('skill', input.id);
    return { id: input.id, deleted: true as const };
  },
});
