/** Field-level differences between two compiled configs (secret settings masked). */
import { withoutSecrets, type CompiledConfig } from './compile.ts';

export type DiffKind = 'added' | 'removed' | 'changed';

export interface DiffEntry {
  field: string;
  before: unknown;
  after: unknown;
  kind: DiffKind;
}

type Json = unknown;

function isPlainObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flatten nested objects into dotted paths; arrays are compared as whole values. */
function flatten(value: Json, prefix: string, into: Map<string, Json>): Map<string, Json> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else if (prefix && value !== undefined) {
    // An undefined field is absent, as in the stored (JSON) copy of a config.
    into.set(prefix, value);
  }
  return into;
}

/** Every field that differs from `before` to `after`, sorted by field path. */
export function diffConfigs(before: CompiledConfig, after: CompiledConfig): DiffEntry[] {
  return fieldChanges(withoutSecrets(before), withoutSecrets(after));
}

/** Whether two configs differ anywhere: every change the diff lists, and a changed secret the diff masks. */
export function configsDiffer(before: CompiledConfig, after: CompiledConfig): boolean {
  return fieldChanges(before, after).length > 0;
}

function fieldChanges(before: CompiledConfig, after: CompiledConfig): DiffEntry[] {
  const left = flatten(before, '', new Map());
  const right = flatten(after, '', new Map());
  const fields = [...new Set([...left.keys(), ...right.keys()])].sort();
  const entries: DiffEntry[] = [];
  for (const field of fields) {
    const was = left.get(field);
    const now = right.get(field);
    if (!left.has(field)) entries.push({ field, before: null, after: now, kind: 'added' });
    else if (!right.has(field)) entries.push({ field, before: was, after: null, kind: 'removed' });
    else if (JSON.stringify(was) !== JSON.stringify(now)) entries.push({ field, before: was, after: now, kind: 'changed' });
  }
  return entries;
}
