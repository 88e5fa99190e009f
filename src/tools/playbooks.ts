/** Playbooks: scripted multi-step flows of an agent (create, list, read, change, remove), and their step graphs. */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, pageInput, pageOf, paginate } from './define.ts';
import { FlowyteError, notFound } from '../errors.ts';
import { loadAgent } from './agents/present.ts';
import type { ToolContext } from './types.ts';
import type { PlaybookFields, PlaybookRecord } from '../store/playbooks.ts';
import { compileParameters } from '../runtime/skills/definition.ts';
import {
  RESERVED_CALLER_VARIABLES, VARIABLE_NAME, edgeSchema, graphShape, propertyNames, stepSchema, validateGraph, type GraphContext,
} from '../runtime/playbooks/graph.ts';

const agentId = idField('The agent id (agt_…).');
const playbookId = idField('The playbook id (pbk_…).');

const playbookFieldsShape = {
  name: z.string().trim().min(1).max(120).describe('Short name, e.g. "Book a repair visit".'),
  description: z
    .string()
    .trim()
    .min(1)
    .max(2000)
    .describe('When the agent should follow it, written as the condition ("The caller wants to book a repair visit").'),
  inputSchema: z
    .record(z.string(), z.unknown())
    .nullable()
    .default(null)
    .describe('JSON Schema object of what the playbook starts with: { "type": "object", "properties": { … } }. Its properties are variables every step may use. null for none.'),
  outputSchema: z
    .record(z.string(), z.unknown())
    .nullable()
    .default(null)
    .describe('JSON Schema object of what the playbook produces by its end; null for none.'),
  enabled: z.boolean().default(true).describe('Disabled playbooks are left out of the compiled agent and of its variables.'),
};

export const playbookSchema = z.object({
  id: z.string().describe('Playbook id (pbk_…).'),
  agentId: z.string().describe('The agent.'),
  ...playbookFieldsShape,
  steps: z.number().int().describe('How many steps its graph has; 0 until the steps are first saved.'),
  createdAt: z.string().describe('When it was added.'),
  updatedAt: z.string().describe('When it, or its steps, last changed.'),
});

const graphOutput = z.object({
  playbookId: z.string().describe('The playbook.'),
  start: z.string().nullable().describe('The id of the first step; null until the steps are first saved.'),
  nodes: z.array(stepSchema).describe('The steps.'),
  edges: z.array(edgeSchema).describe('The connections between steps; a branch\'s conditions sit on its edges.'),
  updatedAt: z.string().describe('When the playbook last changed.'),
});

function presentPlaybook({ orgId: _org, graph, ...playbook }: PlaybookRecord): z.input<typeof playbookSchema> {
  return { ...playbook, steps: graph?.nodes.length ?? 0 };
}

function presentGraph(playbook: PlaybookRecord): z.input<typeof graphOutput> {
  return { playbookId: playbook.id, start: null, nodes: [], edges: [], ...playbook.graph, updatedAt: playbook.updatedAt };
}

function loadPlaybook(context: ToolContext, agent: string, id: string): PlaybookRecord {
  const playbook = context.services.playbooks.find(context.org.id, agent, id);
  if (!playbook) throw notFound('playbook', id);
  return playbook;
}

function invalid(errors: { field: string; message: string }[]): FlowyteError {
  return new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
}

/** A JSON Schema object whose properties can serve as variables. */
function checkSchema(schema: Record<string, unknown> | null, field: 'inputSchema' | 'outputSchema'): void {
  if (schema === null) return;
  compileParameters(schema, field);
  const errors = propertyNames(schema)
    .filter((name) => !VARIABLE_NAME.test(name) || RESERVED_CALLER_VARIABLES.includes(name))
    .map((name) => ({
      field: `${field}.properties.${name}`,
      message: VARIABLE_NAME.test(name) ? 'is a reserved caller variable' : 'must be a variable name (^[a-zA-Z_][a-zA-Z0-9_]*$)',
    }));
  if (errors.length) throw invalid(errors);
}

function toFields(input: PlaybookFields): PlaybookFields {
  checkSchema(input.inputSchema, 'inputSchema');
  checkSchema(input.outputSchema, 'outputSchema');
  return { name: input.name, description: input.description, inputSchema: input.inputSchema, outputSchema: input.outputSchema, enabled: input.enabled };
}

/** What a graph of this playbook is checked against: its inputs, and the agent's skills. */
function graphContext(context: ToolContext, agent: string, playbook: PlaybookRecord): GraphContext {
  const skills = context.services.skills.all(context.org.id, agent);
  return {
    inputs: propertyNames(playbook.inputSchema),
    skills: new Map(skills.map((skill) => [skill.id, { parameters: propertyNames(skill.parametersSchema) }])),
  };
}

export const createPlaybook = defineTool({
  name: 'create_playbook',
  title: 'Create a playbook',
  description:
    'Adds a playbook, a step-by-step procedure the agent follows for a repeatable task (booking a job, qualifying a lead). It starts without steps: define them next with replace_playbook_graph.',
  http: { method: 'POST', path: '/agents/{agentId}/playbooks', successStatus: 201 },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  input: z.object({ agentId, ...playbookFieldsShape }),
  output: playbookSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { agentId: _agent, ...fields } = input;
    return presentPlaybook(context.services.playbooks.create(context.org.id, agent.id, toFields(fields)));
  },
});

export const listPlaybooks = defineTool({
  name: 'list_playbooks',
  title: 'List playbooks',
  description: 'The playbooks of an agent, newest first (without their steps: get_playbook_graph has those).',
  http: { method: 'GET', path: '/agents/{agentId}/playbooks' },
  scope: 'playbooks:read',
  toolset: 'playbooks',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId, ...pageInput }),
  output: pageOf(playbookSchema),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return paginate(context, input, (page) => context.services.playbooks.list(context.org.id, agent.id, page), presentPlaybook);
  },
});

export const getPlaybook = defineTool({
  name: 'get_playbook',
  title: 'Get a playbook',
  description: 'One playbook: its name, description, input and output schemas.',
  http: { method: 'GET', path: '/agents/{agentId}/playbooks/{id}' },
  scope: 'playbooks:read',
  toolset: 'playbooks',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId, id: playbookId }),
  output: playbookSchema,
  execute: async (input, context) => presentPlaybook(loadPlaybook(context, loadAgent(context, input.agentId).id, input.id)),
});

const updateShape = Object.fromEntries(
  Object.entries(playbookFieldsShape).map(([name, schema]) => [name, (schema as z.ZodType).optional()]),
) as { [K in keyof typeof playbookFieldsShape]: z.ZodOptional<(typeof playbookFieldsShape)[K]> };

export const updatePlaybook = defineTool({
  name: 'update_playbook',
  title: 'Update a playbook',
  description: 'Changes a playbook\'s name, description, schemas or enabled; send only what changes. Live after the next publish.',
  http: { method: 'PATCH', path: '/agents/{agentId}/playbooks/{id}' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  input: z.object({ agentId, id: playbookId, ...updateShape }),
  output: playbookSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const current = loadPlaybook(context, agent.id, input.id);
    const { agentId: _agent, id, ...changes } = input;
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const updated = context.services.playbooks.update(context.org.id, agent.id, id, toFields({ ...current, ...defined }));
    if (!updated) throw notFound('playbook', id);
    return presentPlaybook(updated);
  },
});

export const deletePlaybook = defineTool({
  name: 'delete_playbook',
  title: 'Delete a playbook',
  description: 'Removes a playbook and its steps from the agent\'s draft; live channels keep it until the next publish.',
  http: { method: 'DELETE', path: '/agents/{agentId}/playbooks/{id}' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, id: playbookId }),
  output: deletedOutput('playbook'),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    if (!context.services.playbooks.delete(context.org.id, agent.id, input.id)) throw notFound('playbook', input.id);
    return { id: input.id, deleted: true as const };
  },
});

export const getPlaybookGraph = defineTool({
  name: 'get_playbook_graph',
  title: "Get a playbook's steps",
  description: 'The step graph of a playbook: its steps (nodes), the connections between them (edges) and the first step.',
  http: { method: 'GET', path: '/agents/{agentId}/playbooks/{id}/graph' },
  scope: 'playbooks:read',
  toolset: 'playbooks',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ agentId, id: playbookId }),
  output: graphOutput,
  execute: async (input, context) => presentGraph(loadPlaybook(context, loadAgent(context, input.agentId).id, input.id)),
});

export const replacePlaybookGraph = defineTool({
  name: 'replace_playbook_graph',
  title: "Replace a playbook's steps",
  description:
    'Replaces the whole step graph; send every step. It is checked before it is saved (ids, dangling edges, unreachable steps, a reachable end, skills of this agent, variables set before use) and every problem is listed in errors[]. Live after the next publish.',
  http: { method: 'PUT', path: '/agents/{agentId}/playbooks/{id}/graph' },
  scope: 'playbooks:write',
  toolset: 'playbooks',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, id: playbookId, ...graphShape }),
  output: graphOutput,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const playbook = loadPlaybook(context, agent.id, input.id);
    const graph = { start: input.start, nodes: input.nodes, edges: input.edges };
    const errors = validateGraph(graph, graphContext(context, agent.id, playbook));
    if (errors.length) throw invalid(errors);
    const updated = context.services.playbooks.replaceGraph(context.org.id, agent.id, playbook.id, graph);
    if (!updated) throw notFound('playbook', input.id);
    return presentGraph(updated);
  },
});
