/**
 * integration_binding: run a discovered operation of a connected provider with the parameters the
 * agent collected, and hand back only the projected values under the binding's own names. The
 * binding is checked again against the current (scoped) schema before each run, so an operation
 * or field that vanished or was scoped out refuses instead of reaching the provider. The model
 * never sees the provider's record or query.
 */
import { z } from 'zod';
import { FlowyteError } from '../../../errors.ts';
import { checkBinding, type BindingProjection } from '../../integrations/bindings-check.ts';
import type { BindingConfig } from '../../integrations/bindings.ts';
import { visibleSchema } from '../../integrations/discovery.ts';
import type { FieldType, SchemaOperation } from '../../integrations/schema.ts';
import { UNAVAILABLE, type SkillKind, type SkillOutcome } from '../kind.ts';

/** Records read back to the model at most. */
const MAX_RESULTS = 10;
const NOT_FOUND = "I couldn't find a matching record.";
const NOTHING_TO_UPDATE = "I couldn't find the record to update.";

/** The value at `path` below a record; a path through a list gives the list of values. */
export function valueAt(record: unknown, path: string[]): unknown {
  let values: unknown[] = [record];
  let many = false;
  for (const key of path) {
    values = values.flatMap((value) => {
      if (value === null || typeof value !== 'object') return [];
      const next = (value as Record<string, unknown>)[key];
      if (!Array.isArray(next)) return next === undefined ? [] : [next];
      many = true;
      return next;
    });
  }
  return many ? values : (values[0] ?? null);
}

/** A collected value as the argument takes it: numbers from numeric strings, text from numbers. */
function argumentValue(type: FieldType, value: unknown): unknown {
  if ((type === 'integer' || type === 'number') && typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (type === 'boolean' && typeof value === 'string') return value === 'true';
  if (['string', 'date', 'datetime'].includes(type) && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return value;
}

function project(record: unknown, projection: BindingProjection[]): Record<string, unknown> {
  return Object.fromEntries(projection.map((item) => [item.leaf, valueAt(record, item.path.slice(1))]));
}

/** What the model gets: { found, …leaves } for one record, { count, results } for many, { saved, …leaves } for a write. */
function present(operation: SchemaOperation, result: Record<string, unknown> | Record<string, unknown>[] | null, projection: BindingProjection[]): Record<string, unknown> {
  if (Array.isArray(result)) {
    return { count: result.length, results: result.slice(0, MAX_RESULTS).map((record) => project(record, projection)) };
  }
  const key = operation.mode === 'read' ? 'found' : 'saved';
  if (result === null) return { [key]: false, message: operation.mode === 'read' ? NOT_FOUND : NOTHING_TO_UPDATE };
  return { [key]: true, ...project(result, projection) };
}

const failure = (reason: string): SkillOutcome => ({ ok: false, output: { error: reason, message: UNAVAILABLE } });

export const integrationBinding: SkillKind = {
  skillType: 'integration_binding',
  config: z.object({
    kind: z.string().min(1).max(40),
    operation: z.string().min(1).max(200),
    inputs: z.array(z.object({ param: z.string().min(1).max(64), arg: z.string().min(1).max(200) })).max(30).default([]),
    projection: z.array(z.object({ path: z.array(z.string().min(1).max(128)).min(2).max(6), leaf: z.string().min(1).max(64) })).max(30).default([]),
  }),
  async execute({ skill, input, conversation, signal }, environment) {
    const settings = skill.executionConfig as unknown as BindingConfig;
    if (!environment.integration) return failure('integrations are not available here');
    try {
      const { provider, context } = environment.integration(conversation.orgId, settings.kind, signal);
      const { schema } = visibleSchema(context.services, conversation.orgId, settings.kind);
      const { checked, errors } = checkBinding(schema, provider, settings);
      if (!checked) return failure(`this skill no longer matches ${provider.name}'s schema (${errors[0].field} ${errors[0].message})`);
      if (!provider.execute) return failure(`${provider.name} cannot run operations`);
      const args: Record<string, unknown> = {};
      for (const mapping of settings.inputs) {
        const value = input[mapping.param];
        const arg = checked.operation.args.find((candidate) => candidate.name === mapping.arg)!;
        if (value !== undefined && value !== null && value !== '') args[mapping.arg] = argumentValue(arg.type, value);
      }
      const result = await provider.execute(context, checked.operation, args, checked.select);
      return { ok: true, output: present(checked.operation, result, settings.projection) };
    } catch (error) {
      return failure(error instanceof FlowyteError ? error.message : 'the provider call failed');
    }
  },
};
