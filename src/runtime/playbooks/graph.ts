/**
 * A playbook's step graph: its shape (steps joined by edges, run from a start step), the variables
 * each step sets and uses, and the checks a graph passes before it is saved.
 */
import { z } from 'zod';
import type { FieldError } from '../../errors.ts';

/** What a variable name looks like (case-sensitive). */
export const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Variables the platform sets on every call: always available, never collected or declared. */
export const RESERVED_CALLER_VARIABLES: readonly string[] = ['caller_info', 'caller_number', 'caller_name', 'verified'];

// `{name}`, or `{name.field}` for a field of a saved skill result; the variable is `name`.
const PLACEHOLDER = /\{([a-zA-Z_][a-zA-Z0-9_]*)(?:\.[a-zA-Z0-9_]+)*\}/g;

const variableName = z.string().max(64).regex(VARIABLE_NAME, 'must match ^[a-zA-Z_][a-zA-Z0-9_]*$');
const stepId = z.string().max(64).regex(/^[a-zA-Z0-9_-]+$/, 'must be letters, digits, _ or -');
const literal = z.union([z.string().max(2000), z.number(), z.boolean()]);
const id = stepId.describe('The step\'s id, unique in the graph (letters, digits, _ and -), e.g. "ask_address".');

const sayNode = z.strictObject({
  id,
  type: z.literal('say').describe('say: the agent says a line.'),
  text: z.string().min(1).max(2000).describe('What the agent says; {name} puts in a variable, {name.field} a field of a saved skill result.'),
});

const collectNode = z.strictObject({
  id,
  type: z.literal('collect').describe('collect: the agent asks for a value and keeps the answer in a variable.'),
  variable: variableName.describe('The variable the answer is kept in.'),
  prompt: z.string().min(1).max(2000).describe('How the agent asks; may use {placeholders} of variables set earlier.'),
  validation: z
    .strictObject({
      type: z
        .enum(['string', 'number', 'email', 'phone', 'date', 'zip', 'enum'])
        .describe('What the answer must be; enum takes one of `values`.'),
      values: z.array(z.string().min(1).max(200).describe('One accepted answer.')).min(1).max(100).optional().describe('The accepted answers; only with type enum, and required there.'),
      pattern: z.string().min(1).max(500).optional().describe('A regular expression the answer must also match.'),
    })
    .optional()
    .describe('How the answer is checked; the agent asks again until it passes.'),
});

const branchNode = z.strictObject({
  id,
  type: z
    .literal('branch')
    .describe('branch: chooses the next step. Its outgoing edges carry conditions, tried in the order of `edges`; its one edge without a condition is the otherwise path.'),
});

const callSkillNode = z.strictObject({
  id,
  type: z.literal('call_skill').describe('call_skill: runs one of the agent\'s skills.'),
  skillId: z.string().min(1).max(64).describe('The skill to run (skl_…), one of this agent\'s.'),
  inputs: z
    .record(z.string().max(64), literal)
    .default({})
    .describe('The skill\'s parameters by name: a literal, or text with {placeholders} ("{order_id}" passes the variable as it is).'),
  saveAs: variableName.optional().describe('A variable that keeps the skill\'s result for later steps (read a field as {name.field}).'),
});

const transferNode = z.strictObject({
  id,
  type: z.literal('transfer').describe('transfer: hands the caller to a person; the playbook finishes here.'),
  destination: z.string().min(1).max(200).optional().describe('Where to transfer (a phone number or SIP address); omitted, the agent\'s transfer settings decide.'),
});

const endNode = z.strictObject({
  id,
  type: z.literal('end').describe('end: the playbook is done.'),
  outcome: z.string().min(1).max(64).optional().describe('A short label for how it went, e.g. "booked" or "declined".'),
});

/** One step of a graph. */
export const stepSchema = z
  .discriminatedUnion('type', [sayNode, collectNode, branchNode, callSkillNode, transferNode, endNode])
  .describe('One step; `type` says which fields it takes.');

const condition = z.strictObject({
  variable: variableName.describe('The variable tested.'),
  op: z
    .enum(['equals', 'not_equals', 'contains', 'gt', 'lt', 'exists'])
    .describe('equals / not_equals; contains (the text holds the value, ignoring case); gt / lt (numbers); exists (the variable has a value; takes no value).'),
  value: literal.optional().describe('What the variable is compared with: required except for exists, a number for gt and lt.'),
});

/** One connection between two steps. */
export const edgeSchema = z.strictObject({
  from: stepId.describe('The id of the step this connection leaves.'),
  to: stepId.describe('The id of the step it leads to.'),
  condition: condition.optional().describe('Only on the edges of a branch step: the edge is taken when this holds.'),
});

/** The step graph as callers send it (PUT …/graph); every connection, branches included, is an edge. */
export const graphShape = {
  start: stepId.describe('The id of the first step.'),
  nodes: z.array(stepSchema).min(1).max(200).describe('The steps: say, collect, branch, call_skill, transfer, end.'),
  edges: z
    .array(edgeSchema)
    .max(500)
    .default([])
    .describe('The connections: say, collect and call_skill steps have exactly one outgoing edge, a branch has one per condition plus one without (otherwise), transfer and end have none.'),
};
const graphSchema = z.object(graphShape);

export type PlaybookGraph = z.output<typeof graphSchema>;
export type PlaybookNode = PlaybookGraph['nodes'][number];
export type PlaybookEdge = PlaybookGraph['edges'][number];

/** A variable a step sets or uses; `field` is where, relative to the step (or to the edge for a condition). */
export interface VariableMention {
  name: string;
  role: 'collected' | 'skill_output' | 'referenced';
  field: string;
}

/** The variable names in a text's {placeholders}, each once. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

/** The variables one step sets and uses. */
export function variablesOfNode(step: PlaybookNode): VariableMention[] {
  const uses = (text: string, field: string): VariableMention[] => placeholdersIn(text).map((name) => ({ name, role: 'referenced', field }));
  switch (step.type) {
    case 'say':
      return uses(step.text, 'text');
    case 'collect':
      return [...uses(step.prompt, 'prompt'), { name: step.variable, role: 'collected', field: 'variable' }];
    case 'call_skill':
      return [
        ...Object.entries(step.inputs).flatMap(([param, value]) => (typeof value === 'string' ? uses(value, `inputs.${param}`) : [])),
        ...(step.saveAs ? [{ name: step.saveAs, role: 'skill_output' as const, field: 'saveAs' }] : []),
      ];
    default:
      return [];
  }
}

/** Every variable a graph sets or uses, with the step it belongs to (a condition belongs to its branch). */
export function variablesOfGraph(graph: PlaybookGraph): (VariableMention & { nodeId: string })[] {
  return [
    ...graph.nodes.flatMap((step) => variablesOfNode(step).map((mention) => ({ ...mention, nodeId: step.id }))),
    ...graph.edges.flatMap((link) =>
      link.condition ? [{ name: link.condition.variable, role: 'referenced' as const, field: 'condition.variable', nodeId: link.from }] : [],
    ),
  ];
}

/** The property names of a JSON Schema object (a playbook's inputs, a skill's parameters). */
export function propertyNames(schema: Record<string, unknown> | null): string[] {
  const properties = schema?.properties;
  return properties && typeof properties === 'object' ? Object.keys(properties) : [];
}

/** What a graph is checked against besides itself. */
export interface GraphContext {
  /** Variables the playbook's inputSchema declares: set before the first step. */
  inputs: readonly string[];
  /** The agent's skills by id, with the names of their parameters. */
  skills: ReadonlyMap<string, { parameters: readonly string[] }>;
}

type Fail = (field: string, message: string) => void;

/** Every problem of a graph, each naming its field (e.g. `nodes.3.skillId`); empty when it can be saved. */
export function validateGraph(graph: PlaybookGraph, context: GraphContext): FieldError[] {
  const errors: FieldError[] = [];
  const fail: Fail = (field, message) => void errors.push({ field, message });
  const indexOf = new Map<string, number>();
  graph.nodes.forEach((step, at) => {
    if (indexOf.has(step.id)) fail(`nodes.${at}.id`, `repeats the id of nodes.${indexOf.get(step.id)}`);
    else indexOf.set(step.id, at);
    checkNode(step, `nodes.${at}`, context, fail);
  });
  if (!indexOf.has(graph.start)) fail('start', 'is not the id of a step');
  graph.edges.forEach((link, at) => {
    if (!indexOf.has(link.from)) fail(`edges.${at}.from`, 'is not the id of a step');
    if (!indexOf.has(link.to)) fail(`edges.${at}.to`, 'is not the id of a step');
    if (link.condition) checkCondition(link.condition, `edges.${at}.condition`, fail);
  });
  const outgoing = new Map<string, number[]>();
  graph.edges.forEach((link, at) => {
    if (indexOf.has(link.from) && indexOf.has(link.to)) outgoing.set(link.from, [...(outgoing.get(link.from) ?? []), at]);
  });
  for (const [at, step] of graph.nodes.entries()) {
    if (indexOf.get(step.id) === at) checkExits(graph, step, at, outgoing.get(step.id) ?? [], fail);
  }
  if (!indexOf.has(graph.start)) return errors;

  const reachable = reachableFrom(graph.start, graph.edges, outgoing);
  graph.nodes.forEach((step, at) => {
    if (indexOf.get(step.id) === at && !reachable.has(step.id)) fail(`nodes.${at}`, 'is not reachable from start');
  });
  if (!graph.nodes.some((step) => step.type === 'end' && reachable.has(step.id))) fail('nodes', 'no end step is reachable from start');
  checkVariables(graph, reachable, indexOf, context, fail);
  return errors;
}

function checkNode(step: PlaybookNode, path: string, context: GraphContext, fail: Fail): void {
  for (const mention of variablesOfNode(step)) {
    if (mention.role !== 'referenced' && RESERVED_CALLER_VARIABLES.includes(mention.name)) {
      fail(`${path}.${mention.field}`, 'is a reserved caller variable, set by the platform');
    }
  }
  if (step.type === 'collect' && step.validation) {
    const { type, values, pattern } = step.validation;
    if (type === 'enum' && !values) fail(`${path}.validation.values`, 'is required for type enum');
    if (type !== 'enum' && values) fail(`${path}.validation.values`, 'applies only to type enum');
    if (pattern !== undefined && !compiles(pattern)) fail(`${path}.validation.pattern`, 'is not a valid regular expression');
  }
  if (step.type === 'call_skill') {
    const skill = context.skills.get(step.skillId);
    if (!skill) return fail(`${path}.skillId`, 'is not a skill of this agent');
    for (const param of Object.keys(step.inputs)) {
      if (!skill.parameters.includes(param)) fail(`${path}.inputs.${param}`, `is not a parameter of the skill (it takes: ${skill.parameters.join(', ') || 'none'})`);
    }
  }
}

function checkCondition(test: NonNullable<PlaybookEdge['condition']>, path: string, fail: Fail): void {
  if (test.op !== 'exists' && test.value === undefined) fail(`${path}.value`, `is required for ${test.op}`);
  if ((test.op === 'gt' || test.op === 'lt') && test.value !== undefined && typeof test.value !== 'number') {
    fail(`${path}.value`, `must be a number for ${test.op}`);
  }
}

/** A step's outgoing edges must fit its type (see the `edges` description). */
function checkExits(graph: PlaybookGraph, step: PlaybookNode, at: number, exits: number[], fail: Fail): void {
  const unconditioned = exits.filter((edgeAt) => !graph.edges[edgeAt].condition);
  if (step.type === 'branch') {
    if (unconditioned.length === 0) fail(`nodes.${at}`, 'has no otherwise path: add one edge from it without a condition');
    for (const edgeAt of unconditioned.slice(1)) fail(`edges.${edgeAt}.condition`, 'is required: a branch has only one edge without a condition');
    return;
  }
  for (const edgeAt of exits) {
    if (graph.edges[edgeAt].condition) fail(`edges.${edgeAt}.condition`, 'is allowed only on the edges of a branch step');
  }
  if (step.type === 'end' || step.type === 'transfer') {
    for (const edgeAt of exits) fail(`edges.${edgeAt}.from`, `is ${step.id}, which finishes the playbook (${step.type} steps have no next step)`);
    return;
  }
  if (exits.length === 0) fail(`nodes.${at}`, 'has no next step: add an edge from it (only end and transfer steps finish a playbook)');
  for (const edgeAt of exits.slice(1)) fail(`edges.${edgeAt}.from`, `gives ${step.id} a second next step; choose between steps with a branch`);
}

function reachableFrom(start: string, edges: PlaybookEdge[], outgoing: Map<string, number[]>): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    for (const edgeAt of outgoing.get(current) ?? []) {
      const next = edges[edgeAt].to;
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

/**
 * A step may use a variable only when every path from start sets it first (or the inputSchema
 * declares it): the sets of variables certain at each step, narrowed until they settle.
 */
function checkVariables(graph: PlaybookGraph, reachable: Set<string>, indexOf: Map<string, number>, context: GraphContext, fail: Fail): void {
  const stepOf = (stepId: string) => graph.nodes[indexOf.get(stepId)!];
  const sets = (stepId: string) => variablesOfNode(stepOf(stepId)).filter((mention) => mention.role !== 'referenced').map((mention) => mention.name);
  const before = new Set([...context.inputs, ...RESERVED_CALLER_VARIABLES]);
  const everything = [...before, ...[...reachable].flatMap(sets)];
  const certain = new Map([...reachable].map((stepId) => [stepId, new Set(stepId === graph.start ? before : everything)]));
  const predecessors = new Map<string, string[]>();
  for (const link of graph.edges) {
    if (reachable.has(link.from) && reachable.has(link.to)) predecessors.set(link.to, [...(predecessors.get(link.to) ?? []), link.from]);
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const stepId of reachable) {
      if (stepId === graph.start) continue;
      const current = certain.get(stepId)!;
      for (const name of [...current]) {
        const everyPathSetsIt = (predecessors.get(stepId) ?? []).every((from) => certain.get(from)!.has(name) || sets(from).includes(name));
        if (!everyPathSetsIt) {
          current.delete(name);
          changed = true;
        }
      }
    }
  }
  const unset = (name: string) =>
    `uses {${name}}, which is not set on every path to this step (collect it earlier, save a skill result as it, or declare it in inputSchema)`;
  graph.nodes.forEach((step, at) => {
    if (indexOf.get(step.id) !== at || !reachable.has(step.id)) return;
    for (const mention of variablesOfNode(step)) {
      if (mention.role === 'referenced' && !certain.get(step.id)!.has(mention.name)) fail(`nodes.${at}.${mention.field}`, unset(mention.name));
    }
  });
  graph.edges.forEach((link, at) => {
    if (link.condition && reachable.has(link.from) && !certain.get(link.from)!.has(link.condition.variable)) {
      fail(`edges.${at}.condition.variable`, unset(link.condition.variable));
    }
  });
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
