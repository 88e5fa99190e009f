/**
 * The offline auto-mapper: a binding proposed from a plain-language goal by word matching alone.
 * The goal's verbs pick reads, inserts or updates (reads unless it says create, add, book, update,
 * …); operations are ranked by the goal's words in their name, object, arguments and fields; the
 * arguments map onto canonical parameters by name; the fields the goal names are projected, or
 * else the object's non-sensitive core fields.
 */
import { humanise, isStopword } from '../models/extract/text.ts';
import { canonicalFor, snakeName } from './bindings-canonical.ts';
import { fits, recordName, singular } from './bindings-check.ts';
import type { BindingInput, BindingProjection } from './bindings-check.ts';
import type { BindingSpec } from './bindings.ts';
import { searchSchema, words } from './schema-search.ts';
import type { NormalizedSchema, OperationArgument, SchemaField, SchemaObject, SchemaOperation } from './schema.ts';

const INSERT_VERBS = new Set(['create', 'add', 'book', 'open', 'log', 'capture', 'submit', 'new', 'register', 'schedule', 'record', 'save', 'make', 'insert']);
const UPDATE_VERBS = new Set(['update', 'change', 'edit', 'modify', 'set', 'cancel', 'reschedule', 'move', 'mark', 'correct']);
/** Projected when the goal names no field. */
const CORE_FIELDS = 5;
/** Fields of a referenced object projected when the goal names the reference. */
const REFERENCE_FIELDS = 3;
const CORE_NAME = /(^|_)(name|title|status|state|date|time|at|number|total|amount|type)($|_)/;

/** The kind of operation the goal asks for. */
export function goalMode(terms: Set<string>): SchemaOperation['mode'] {
  if ([...terms].some((term) => INSERT_VERBS.has(term))) return 'insert';
  if ([...terms].some((term) => UPDATE_VERBS.has(term))) return 'update';
  return 'read';
}

/** The goal's content words (no "a", "by", "their", …), plural endings folded. */
export const goalTerms = (goal: string) => new Set(words(goal).filter((word) => !isStopword(word)));

const mentions = (terms: Set<string>, name: string) => words(name).some((word) => terms.has(word));
const overlap = (terms: Set<string>, text: string) => new Set(words(text).filter((word) => terms.has(word))).size;

/** The operations of the goal's mode, best match first (ties: fewer required arguments). */
export function rankOperations(schema: NormalizedSchema, goal: string): { operation: SchemaOperation; score: number }[] {
  const terms = goalTerms(goal);
  const mode = goalMode(terms);
  const hits = searchSchema(schema, [...terms].join(' '), 200);
  const ranked = schema.operations
    .filter((operation) => operation.mode === mode)
    .map((operation) => {
      const objectHits = hits.filter((hit) => hit.object === operation.object);
      const score =
        3 * overlap(terms, `${operation.name} ${operation.description ?? ''}`) +
        objectHits.reduce((sum, hit) => sum + (hit.field === null ? hit.score : hit.score / 4), 0) +
        2 * operation.args.filter((arg) => mentions(terms, arg.name)).length;
      return { operation, score };
    })
    .filter((candidate) => candidate.score > 0);
  const required = (operation: SchemaOperation) => operation.args.filter((arg) => arg.required).length;
  return ranked.sort((a, b) => b.score - a.score || required(a.operation) - required(b.operation) || a.operation.name.localeCompare(b.operation.name));
}

/** Which arguments the agent fills, and with which parameters. */
function mapArguments(operation: SchemaOperation, terms: Set<string>): BindingInput[] {
  const read = operation.mode === 'read';
  const canonicalOf = (arg: OperationArgument) => {
    const canonical = canonicalFor(arg.name) ?? (arg.field ? canonicalFor(arg.field) : undefined);
    return canonical && fits(canonical.type, arg.type) ? canonical : undefined;
  };
  let chosen = operation.args.filter((arg) => arg.required || mentions(terms, arg.name.split('.').at(-1)!) || (!read && canonicalOf(arg)));
  // A lookup needs something to look up by: the first argument a caller can say, else the first one.
  if (read && chosen.length === 0 && operation.args.length) chosen = [operation.args.find(canonicalOf) ?? operation.args[0]];
  const used = new Set<string>();
  return chosen.map((arg) => {
    const canonical = canonicalOf(arg);
    const param = canonical && !used.has(canonical.name) ? canonical.name : snakeName(arg.name.split('.').at(-1)!) || 'value';
    used.add(param);
    return { param, arg: arg.name, required: read || arg.required };
  });
}

const scalar = (field: SchemaField) => field.type !== 'reference' && field.type !== 'json';

/** The object's fields worth reading back: keys and names first, nothing sensitive. */
function coreFields(object: SchemaObject, limit: number): SchemaField[] {
  const candidates = object.fields.filter((field) => scalar(field) && !field.sensitive);
  const preferred = candidates.filter((field) => field.unique || CORE_NAME.test(snakeName(field.name)));
  return [...preferred, ...candidates.filter((field) => !preferred.includes(field))].slice(0, limit);
}

/**
 * The fields the goal names (through one reference), else the core ones. A field is named when
 * every word of its name (less the record's own name: "job status" names jobStatus) is in the
 * goal, and not a word it is looked up by ("by phone" names no phones).
 */
function project(schema: NormalizedSchema, object: SchemaObject, terms: Set<string>, lookupWords: Set<string>): BindingProjection[] {
  const record = recordName(object);
  const own = new Set(words(object.name));
  const named = (field: SchemaField) => {
    const parts = words(field.name).filter((word) => !own.has(word));
    return parts.length > 0 && parts.every((word) => terms.has(word) && !lookupWords.has(word));
  };
  const paths: string[][] = [];
  for (const field of object.fields.filter(named)) {
    const target = field.type === 'reference' ? schema.objects.find((candidate) => candidate.name === field.target) : undefined;
    if (scalar(field)) paths.push([record, field.name]);
    else if (target) for (const inner of coreFields(target, REFERENCE_FIELDS)) paths.push([record, field.name, inner.name]);
  }
  if (paths.length === 0) for (const field of coreFields(object, CORE_FIELDS)) paths.push([record, field.name]);
  const leaves = new Set<string>();
  return paths.map((path) => {
    const base = snakeName(path.slice(1).join('_')) || 'value';
    let leaf = base;
    for (let suffix = 2; leaves.has(leaf); suffix += 1) leaf = `${base}_${suffix}`;
    leaves.add(leaf);
    return { path, leaf };
  });
}

/** A binding for the goal, or undefined when no operation of the schema matches it. */
export function proposeOffline(schema: NormalizedSchema, goal: string): BindingSpec | undefined {
  const best = rankOperations(schema, goal)[0];
  const object = best && schema.objects.find((candidate) => candidate.name === best.operation.object);
  if (!best || !object) return undefined;
  const terms = goalTerms(goal);
  const { operation } = best;
  const inputs = mapArguments(operation, terms);
  const lookupWords = new Set(inputs.flatMap((input) => words(input.arg.split('.').at(-1)!)));
  const verb = operation.mode === 'read' ? 'Look up' : operation.mode === 'insert' ? 'Create' : 'Update';
  const by = operation.mode === 'read' && inputs.length ? ` by ${inputs.map((input) => humanise(input.arg.split('.').at(-1)!)).join(' and ')}` : '';
  return {
    toolName: `${verb} ${humanise(singular(object.name))}${by}`,
    description: goal.trim(),
    operation: operation.name,
    inputs,
    projection: operation.mode === 'read' ? project(schema, object, terms, lookupWords) : coreFields(object, 2).map((field) => ({ path: [recordName(object), field.name], leaf: snakeName(field.name) })),
  };
}
