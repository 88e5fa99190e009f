/**
 * Interaction variables: the values that flow through a call, derived from an agent's enabled
 * playbooks and skills, plus the notes and type hints people attach (documentation only).
 */
import { z } from 'zod';
import { defineTool, idField, listOf } from './define.ts';
import { notFound } from '../errors.ts';
import { loadAgent } from './agents/present.ts';
import type { ToolContext } from './types.ts';
import type { PlaybookRecord, VariableAnnotation } from '../store/playbooks.ts';
import type { SkillRecord } from '../store/skills.ts';
import { RESERVED_CALLER_VARIABLES, VARIABLE_NAME, propertyNames, variablesOfGraph } from '../runtime/playbooks/graph.ts';

const agentId = idField('The agent id (agt_…).');
const nameField = z
  .string()
  .max(64)
  .regex(VARIABLE_NAME, 'must match ^[a-zA-Z_][a-zA-Z0-9_]*$')
  .describe('The variable name, case-sensitive (^[a-zA-Z_][a-zA-Z0-9_]*$).');
const noteField = z.string().trim().max(1000).nullable().describe('What the variable holds, for people reading the agent; null clears it.');
const typeHintField = z.string().trim().max(64).nullable().describe('The kind of value, e.g. "E.164 phone" or "ISO date"; null clears it.');

const SOURCE_KINDS = ['collected', 'skill_output', 'referenced', 'playbook_input', 'skill_parameter'] as const;

const sourceSchema = z.object({
  kind: z
    .enum(SOURCE_KINDS)
    .describe('collected (a collect step keeps an answer in it), skill_output (a call_skill step saves a result as it), referenced (a {placeholder} or a branch condition uses it), playbook_input (a playbook\'s inputSchema declares it), skill_parameter (a skill\'s parameter of that name).'),
  playbookId: z.string().optional().describe('The playbook it comes from or is used in.'),
  nodeId: z.string().optional().describe('The step of that playbook.'),
  skillId: z.string().optional().describe('The skill whose parameter it is, or whose result it keeps.'),
});
type Source = z.output<typeof sourceSchema>;

export const variableSchema = z.object({
  name: z.string().describe('The variable name.'),
  sources: z.array(sourceSchema).describe('Where the agent sets or uses it; empty for a name only declared by hand.'),
  note: z.string().nullable().describe('The note attached to it, if any.'),
  typeHint: z.string().nullable().describe('The type hint attached to it, if any.'),
  declared: z.boolean().describe('Whether it carries an annotation (declared or annotated by hand).'),
});
type Variable = z.output<typeof variableSchema>;

/** The variables enabled playbooks and skills set or use, by name, each with where. */
export function deriveVariables(playbooks: PlaybookRecord[], skills: SkillRecord[]): Map<string, Source[]> {
  const found: [string, Source][] = [];
  for (const playbook of playbooks.filter((candidate) => candidate.enabled)) {
    for (const name of propertyNames(playbook.inputSchema)) found.push([name, { kind: 'playbook_input', playbookId: playbook.id }]);
    if (!playbook.graph) continue;
    const calledSkill = new Map(playbook.graph.nodes.flatMap((step) => (step.type === 'call_skill' ? [[step.id, step.skillId]] : [])));
    for (const mention of variablesOfGraph(playbook.graph)) {
      const source: Source = { kind: mention.role, playbookId: playbook.id, nodeId: mention.nodeId };
      if (mention.role === 'skill_output') source.skillId = calledSkill.get(mention.nodeId);
      found.push([mention.name, source]);
    }
  }
  for (const skill of skills.filter((candidate) => candidate.enabled)) {
    for (const name of propertyNames(skill.parametersSchema)) found.push([name, { kind: 'skill_parameter', skillId: skill.id }]);
  }
  const byName = new Map<string, Source[]>();
  for (const [name, source] of found) {
    const sources = byName.get(name) ?? [];
    // The same placeholder twice in one step is one source.
    if (!sources.some((known) => JSON.stringify(known) === JSON.stringify(source))) sources.push(source);
    byName.set(name, sources);
  }
  return byName;
}

/** The agent's variables: derived ones merged with the annotations, sorted by name. */
function variablesOf(context: ToolContext, agent: string): Variable[] {
  const org = context.org.id;
  const derived = deriveVariables(context.services.playbooks.all(org, agent), context.services.skills.all(org, agent));
  const annotations = new Map(context.services.playbooks.variables.list(org, agent).map((annotation) => [annotation.name, annotation]));
  const names = [...new Set([...derived.keys(), ...annotations.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => present(name, derived.get(name) ?? [], annotations.get(name)));
}

function present(name: string, sources: Source[], annotation: VariableAnnotation | undefined): Variable {
  return { name, sources, note: annotation?.note ?? null, typeHint: annotation?.typeHint ?? null, declared: annotation !== undefined };
}

/** Save an annotation: the fields sent replace, those left out keep their current values. */
function saveAnnotation(
  context: ToolContext,
  agent: string,
  input: { name: string; note?: string | null; typeHint?: string | null },
  current: VariableAnnotation | undefined,
): Variable {
  context.services.playbooks.variables.save(context.org.id, agent, input.name, {
    note: input.note === undefined ? current?.note ?? null : input.note,
    typeHint: input.typeHint === undefined ? current?.typeHint ?? null : input.typeHint,
  });
  return variablesOf(context, agent).find((variable) => variable.name === input.name)!;
}

export const listVariables = defineTool({
  name: 'list_variables',
  title: 'List interaction variables',
  description:
    'The values that flow through the agent\'s calls (collected answers, saved skill results, {placeholder} references, skill parameters), found in its enabled playbooks and skills and merged with your notes and type hints. A read-only view, sorted by name: it never gates publishing or a call.',
  http: { method: 'GET', path: '/agents/{agentId}/variables' },
  scope: 'playbooks:read',
  toolset: 'playbooks',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ agentId }),
  output: listOf(variableSchema, 'Every variable, sorted by name (case-sensitive).'),
  execute: async (input, context) => ({ items: variablesOf(context, loadAgent(context, input.agentId).id) }),
});

export const annotateVariable = defineTool({
  name: 'annotate_variable',
  title: 'Declare or annotate a variable',
  description:
    'Attaches a note or type hint to a variable, or declares a name the agent does not derive yet; annotating a derived name or an annotated one is fine (fields you leave out keep their values). Documentation only: no runtime meaning. The reserved caller variables (caller_info, caller_number, caller_name, verified) cannot be declared.',
  http: { method: 'POST', path: '/agents/{agentId}/variables' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  flags: { idempotent: true },
  input: z.object({
    agentId,
    name: nameField.refine((name) => !RESERVED_CALLER_VARIABLES.includes(name), 'is a reserved caller variable, set by the platform'),
    note: noteField.optional(),
    typeHint: typeHintField.optional(),
  }),
  output: variableSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return saveAnnotation(context, agent.id, input, context.services.playbooks.variables.find(context.org.id, agent.id, input.name));
  },
});

export const updateVariableAnnotation = defineTool({
  name: 'update_variable_annotation',
  title: 'Edit a variable annotation',
  description: 'Changes the note or type hint of a variable that has an annotation (only the fields you send change); 404 when it has none.',
  http: { method: 'PATCH', path: '/agents/{agentId}/variables/{name}' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  flags: { idempotent: true },
  input: z.object({ agentId, name: nameField, note: noteField.optional(), typeHint: typeHintField.optional() }),
  output: variableSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const current = context.services.playbooks.variables.find(context.org.id, agent.id, input.name);
    if (!current) throw notFound('variable annotation', input.name);
    return saveAnnotation(context, agent.id, input, current);
  },
});

export const deleteVariableAnnotation = defineTool({
  name: 'delete_variable_annotation',
  title: 'Delete a variable annotation',
  description:
    'Removes the note and type hint of a variable. A name the agent still sets or uses stays in the list as a derived variable; a name without an annotation is left as it is (deleted: false).',
  http: { method: 'DELETE', path: '/agents/{agentId}/variables/{name}' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, name: nameField }),
  output: z.object({
    name: z.string().describe('The variable name.'),
    deleted: z.boolean().describe('Whether an annotation was removed (false when the name had none).'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return { name: input.name, deleted: context.services.playbooks.variables.delete(context.org.id, agent.id, input.name) };
  },
});
