/**
 * Checking a binding against the schema the org may see: the operation exists, every argument is
 * mapped once and every required one is, parameters and leaves are snake_case, and each projected
 * path walks from the operation's record through real fields (and references) to a value. The
 * same check runs when a binding is saved and again before each run, so a binding whose operation
 * or fields vanished (or were scoped out) refuses instead of calling the provider.
 */
import type { FieldError } from '../../errors.ts';
import { humanise } from '../models/extract/text.ts';
import { CANONICAL_PARAMETERS } from './bindings-canonical.ts';
import type { IntegrationProvider } from './provider.ts';
import type { FieldType, NormalizedSchema, OperationArgument, SchemaField, SchemaObject, SchemaOperation } from './schema.ts';

/** One mapping of an agent parameter onto an operation argument. */
export interface BindingInput {
  param: string;
  arg: string;
  required?: boolean;
  description?: string;
}

/** One provider value returned to the agent under its own name. */
export interface BindingProjection {
  path: string[];
  leaf: string;
}

/** What runs: the operation, its inputs and what comes back. */
export interface BindingCore {
  operation: string;
  inputs: BindingInput[];
  projection: BindingProjection[];
}

export interface CheckedBinding {
  operation: SchemaOperation;
  /** Per projection, the field path below the record (what the provider is asked to select). */
  select: string[][];
  /** The JSON Schema object of what the agent collects. */
  parametersSchema: Record<string, unknown>;
}

const SNAKE = /^[a-z][a-z0-9_]{0,63}$/;
/** Names the run-time result uses itself. */
const RESERVED_LEAVES = new Set(['found', 'count', 'results', 'saved', 'message', 'error']);

/** `appointments` → `appointment`; the name as it is when it does not end in a plural s. */
export function singular(name: string): string {
  return /[^s]s$/i.test(name) ? name.slice(0, -1) : name;
}

/** The name a projection path starts with for this object: its singular, lower-cased first letter. */
export function recordName(object: Pick<SchemaObject, 'name'>): string {
  const base = singular(object.name);
  return base.charAt(0).toLowerCase() + base.slice(1);
}

const namesRecord = (object: SchemaObject, name: string) =>
  [object.name, singular(object.name)].some((candidate) => candidate.toLowerCase() === name.toLowerCase());

/** The field a path ends at, or why it does not lead to one. */
function resolvePath(schema: NormalizedSchema, record: SchemaObject, path: string[]): { field: SchemaField } | { problem: string } {
  if (!namesRecord(record, path[0])) return { problem: `must start with ${recordName(record)}, the record the operation returns` };
  let current = record;
  for (let index = 1; index < path.length; index += 1) {
    const field = current.fields.find((candidate) => candidate.name === path[index]);
    if (!field) return { problem: `${current.name} has no field ${path[index]} (or it is scoped out)` };
    const last = index === path.length - 1;
    if (field.type !== 'reference') {
      if (last) return { field };
      return { problem: `${current.name}.${field.name} is a value, not a reference: the path ends there` };
    }
    const target = schema.objects.find((object) => object.name === field.target);
    if (!target) return { problem: `${current.name}.${field.name} points to ${field.target ?? 'nothing'}, which is scoped out or unknown` };
    if (last) return { problem: `${current.name}.${field.name} is a reference: name one of ${target.name}'s fields after it` };
    current = target;
  }
  return { problem: 'must name the record and at least one field' };
}

const JSON_TYPES: Record<FieldType, Record<string, unknown>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  date: { type: 'string', format: 'date' },
  datetime: { type: 'string', format: 'date-time' },
  json: { type: 'string' },
  reference: { type: 'string' },
};

/** Whether a value of a canonical parameter's type can be passed as the argument. */
export function fits(parameterType: string, argType: FieldType): boolean {
  if (argType === 'integer' || argType === 'number') return parameterType === 'integer' || parameterType === 'number';
  if (argType === 'boolean') return parameterType === 'boolean';
  return parameterType === 'string';
}

/** One parameter's JSON Schema: the canonical one when the name is canonical, else from the argument. */
function parameterSchema(input: BindingInput, arg: OperationArgument, field: SchemaField | undefined): Record<string, unknown> {
  const canonical = CANONICAL_PARAMETERS.get(input.param);
  const base = canonical ? { type: canonical.type, ...(canonical.format ? { format: canonical.format } : {}) } : JSON_TYPES[arg.type];
  const description = input.description ?? canonical?.description ?? arg.description ?? humanise(arg.name);
  return { ...base, description, ...(field?.allowedValues?.length ? { enum: field.allowedValues } : {}) };
}

/** Check the inputs: each argument once, each required one mapped; the parameters they make. */
function checkInputs(operation: SchemaOperation, record: SchemaObject, inputs: BindingInput[], errors: FieldError[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  const argsSeen = new Map<string, number>();
  const paramsSeen = new Map<string, number>();
  inputs.forEach((input, index) => {
    const at = `inputs[${index}]`;
    if (!SNAKE.test(input.param)) errors.push({ field: `${at}.param`, message: 'must be a snake_case name such as caller_phone' });
    else if (paramsSeen.has(input.param)) errors.push({ field: `${at}.param`, message: `is already mapped by inputs[${paramsSeen.get(input.param)}]` });
    paramsSeen.set(input.param, paramsSeen.get(input.param) ?? index);
    const arg = operation.args.find((candidate) => candidate.name === input.arg);
    if (!arg) {
      const known = operation.args.map((candidate) => candidate.name).join(', ') || 'none';
      errors.push({ field: `${at}.arg`, message: `is not an argument of ${operation.name} (it takes: ${known})` });
      return;
    }
    if (argsSeen.has(arg.name)) {
      errors.push({ field: `${at}.arg`, message: `is already mapped by inputs[${argsSeen.get(arg.name)}]` });
      return;
    }
    argsSeen.set(arg.name, index);
    if (arg.required && input.required === false) errors.push({ field: `${at}.required`, message: `must be true: ${operation.name} needs ${arg.name}` });
    const canonical = CANONICAL_PARAMETERS.get(input.param);
    if (canonical && !fits(canonical.type, arg.type)) {
      errors.push({ field: `${at}.param`, message: `${input.param} holds a ${canonical.type}, but ${arg.name} takes a ${arg.type}` });
    }
    const field = arg.field ? record.fields.find((candidate) => candidate.name === arg.field) : undefined;
    properties[input.param] = parameterSchema(input, arg, field);
    if (input.required ?? arg.required) required.push(input.param);
  });
  const missing = operation.args.filter((arg) => arg.required && !argsSeen.has(arg.name)).map((arg) => arg.name);
  if (missing.length) errors.push({ field: 'inputs', message: `must map every argument ${operation.name} requires: ${missing.join(', ')}` });
  return { type: 'object', properties, required };
}

/** Check the projection: real paths, unique snake_case leaves; the paths below the record. */
function checkProjection(schema: NormalizedSchema, operation: SchemaOperation, record: SchemaObject, projection: BindingProjection[], errors: FieldError[]): string[][] {
  if (projection.length === 0 && operation.mode === 'read') errors.push({ field: 'projection', message: 'must return at least one field' });
  const leavesSeen = new Map<string, number>();
  return projection.map((item, index) => {
    const at = `projection[${index}]`;
    if (!SNAKE.test(item.leaf)) errors.push({ field: `${at}.leaf`, message: 'must be a snake_case name such as customer_name' });
    else if (RESERVED_LEAVES.has(item.leaf)) errors.push({ field: `${at}.leaf`, message: `is a name the result uses itself (${[...RESERVED_LEAVES].join(', ')})` });
    else if (leavesSeen.has(item.leaf)) errors.push({ field: `${at}.leaf`, message: `is already used by projection[${leavesSeen.get(item.leaf)}]` });
    leavesSeen.set(item.leaf, leavesSeen.get(item.leaf) ?? index);
    const resolved = resolvePath(schema, record, item.path);
    if ('problem' in resolved) errors.push({ field: `${at}.path`, message: resolved.problem });
    return item.path.slice(1);
  });
}

/**
 * Check a binding against the visible schema (and the provider's own rules): what runs, or the
 * problems, each naming the request field it is about.
 */
export function checkBinding(schema: NormalizedSchema, provider: IntegrationProvider, binding: BindingCore): { checked?: CheckedBinding; errors: FieldError[] } {
  const operation = schema.operations.find((candidate) => candidate.name === binding.operation);
  const record = operation && schema.objects.find((object) => object.name === operation.object);
  if (!operation || !record) {
    return { errors: [{ field: 'operation', message: `is not an operation of the discovered schema (or it is scoped out): GET /integrations/${provider.kind}/operations lists them` }] };
  }
  const errors: FieldError[] = [];
  const parametersSchema = checkInputs(operation, record, binding.inputs, errors);
  const select = checkProjection(schema, operation, record, binding.projection, errors);
  const mapped = binding.inputs.map((input) => input.arg);
  for (const problem of provider.checkBinding?.(operation, mapped, select) ?? []) errors.push({ field: 'operation', message: problem });
  return errors.length ? { errors } : { checked: { operation, select, parametersSchema }, errors };
}
