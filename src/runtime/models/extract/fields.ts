/**
 * Filling a tool's JSON Schema input from what a person said: each property gets an extractor
 * chosen by its name, `format`, description and type; values come only from the text.
 */
import type { JSONValue } from '@ai-sdk/provider';
import { combineDateTime, extractDateMention, type DateMention, type DateReference } from './dates.ts';
import {
  extractAddress,
  extractBoolean,
  extractEmail,
  extractEnum,
  extractName,
  extractNumber,
  extractOrderId,
  extractPhone,
  extractZip,
} from './entities.ts';
import { humanise, stem, stemSet } from './text.ts';

export type FieldKind =
  | 'phone' | 'email' | 'date' | 'time' | 'datetime' | 'number' | 'order_id' | 'zip' | 'address'
  | 'enum' | 'boolean' | 'name' | 'free_text' | 'string';

/**
 * The parts of a property's JSON Schema the extractors read. (`@ai-sdk/provider`'s JSONSchema7
 * comes from an optional types package, so the schema is read from `unknown` here.)
 */
export interface PropertySchema {
  type?: string;
  format?: string;
  description?: string;
  /** Only the string members of `enum`. */
  enum?: string[];
}

const stringOr = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Read one property's schema; booleans and non-objects give undefined. */
export function propertySchema(value: unknown): PropertySchema | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const type = Array.isArray(raw.type) ? raw.type.find((item) => item !== 'null') : raw.type;
  const values = Array.isArray(raw.enum) ? raw.enum.filter((item): item is string => typeof item === 'string') : undefined;
  return {
    type: stringOr(type),
    format: stringOr(raw.format),
    description: stringOr(raw.description),
    enum: values?.length ? values : undefined,
  };
}

/** One property of a tool's input, with the extractor kind chosen for it. */
export interface FieldSpec {
  name: string;
  /** The humanised name: "preferred_date" → "preferred date". */
  label: string;
  kind: FieldKind;
  schema: PropertySchema;
  required: boolean;
  /** Stems of the name and description; a number must sit next to one of them. */
  cues: ReadonlySet<string>;
}

// Checked in order against the humanised name, then the description; the first hit decides.
const KIND_RULES: [RegExp, FieldKind][] = [
  [/\b(?:phone|mobile|cell|telephone|tel|callback)\b/, 'phone'],
  [/\be-?mail\b/, 'email'],
  [/\b(?:zip|postal|postcode)\b/, 'zip'],
  [/\b(?:address|street)\b/, 'address'],
  [/\b(?:order|confirmation|tracking|reference|booking|invoice|ticket) (?:id|number|no|code)\b|^order$/, 'order_id'],
  [/\bdate ?time\b|\bdatetime\b|\b(?:starts?|scheduled|ends?) at\b|^when$|^start$/, 'datetime'],
  [/\b(?:date|day|dob|birthday)\b/, 'date'],
  [/\b(?:time|hour)\b/, 'time'],
  [/^(?:(?:first|last|full|caller|customer|contact|patient|guest|your) )?name$/, 'name'],
  [/\b(?:message|reason|notes?|summary|details|comments?|issue|request|question|description)\b/, 'free_text'],
];
const FORMAT_KINDS: Record<string, FieldKind> = { email: 'email', date: 'date', time: 'time', 'date-time': 'datetime' };

/** Choose the extractor kind for one property. */
export function fieldKind(name: string, schema: PropertySchema): FieldKind {
  if (schema.enum) return 'enum';
  if (schema.type === 'boolean') return 'boolean';
  if (schema.format && FORMAT_KINDS[schema.format]) return FORMAT_KINDS[schema.format];
  const label = humanise(name);
  const numeric = schema.type === 'integer' || schema.type === 'number';
  for (const [pattern, kind] of KIND_RULES) if (pattern.test(label)) return numeric && kind !== 'zip' ? 'number' : kind;
  if (numeric) return 'number';
  const description = (schema.description ?? '').toLowerCase();
  for (const [pattern, kind] of KIND_RULES) if (kind !== 'name' && kind !== 'free_text' && pattern.test(description)) return kind;
  return 'string';
}

// Words every numeric field shares; as cues they would match any number.
const GENERIC_CUES = ['number', 'count', 'amount', 'value', 'total'].map(stem);

/** The fillable properties of a tool's input schema, in declaration order. */
export function fieldSpecs(inputSchema: unknown): FieldSpec[] {
  if (typeof inputSchema !== 'object' || inputSchema === null) return [];
  const { properties, required: requiredNames } = inputSchema as { properties?: unknown; required?: unknown };
  if (typeof properties !== 'object' || properties === null) return [];
  const required = new Set(Array.isArray(requiredNames) ? requiredNames : []);
  const fields: FieldSpec[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const definition = propertySchema(value);
    if (!definition) continue;
    const label = humanise(name);
    const cues = stemSet(`${label} ${definition.description ?? ''}`);
    for (const generic of GENERIC_CUES) cues.delete(generic);
    fields.push({ name, label, kind: fieldKind(name, definition), schema: definition, required: required.has(name), cues });
  }
  return fields;
}

/** Where values may come from, most trustworthy first. */
export interface FillSources {
  /** Direct answers to an earlier question about one property: property name → the reply text. */
  answers: ReadonlyMap<string, string>;
  /** The person's messages, most recent first. */
  texts: readonly string[];
  /** The text a free-text field (message, reason, notes) may take whole, if any. */
  freeText?: string;
  reference: () => DateReference;
}

/** A filled input, and the required fields still without a value (in schema order). */
export interface FillResult {
  input: Record<string, JSONValue>;
  missing: FieldSpec[];
}

/** Fill every property that the sources state; never invent a value. */
export function fillFields(fields: readonly FieldSpec[], sources: FillSources): FillResult {
  const input: Record<string, JSONValue> = {};
  const missing: FieldSpec[] = [];
  // chrono is the slowest extractor: parse each text at most once per fill.
  const mentions = new Map<string, DateMention>();
  const mentionOf = (text: string) => {
    let mention = mentions.get(text);
    if (!mention) mentions.set(text, (mention = extractDateMention(text, sources.reference())));
    return mention;
  };
  for (const field of fields) {
    const answer = sources.answers.get(field.name);
    let value: JSONValue | undefined;
    if (field.kind === 'datetime') {
      const texts = answer === undefined ? sources.texts : [answer, ...sources.texts];
      const date = texts.map((text) => mentionOf(text).date).find(Boolean);
      const time = texts.map((text) => mentionOf(text).time).find(Boolean);
      if (date && time) value = combineDateTime(date, time, sources.reference());
    } else {
      if (answer !== undefined) value = extractValue(field, answer, true, mentionOf);
      if (value === undefined && field.kind === 'free_text') value = sources.freeText;
      for (let index = 0; value === undefined && index < sources.texts.length; index += 1) {
        value = extractValue(field, sources.texts[index], false, mentionOf);
      }
    }
    if (value !== undefined) input[field.name] = value;
    else if (field.required) missing.push(field);
  }
  return { input, missing };
}

/**
 * One property's value in one text. `answer` means the text replies to a question about this
 * very property, so a bare "Ana Silva", "3" or "yes" counts, and a free string is taken whole.
 */
export function extractValue(
  field: FieldSpec,
  text: string,
  answer: boolean,
  mentionOf: (text: string) => DateMention,
): JSONValue | undefined {
  switch (field.kind) {
    case 'phone': return extractPhone(text);
    case 'email': return extractEmail(text);
    case 'zip': return field.schema.type === 'integer' ? numberOrUndefined(extractZip(text)) : extractZip(text);
    case 'address': return extractAddress(text) ?? extractZip(text) ?? (answer ? wholeText(text) : undefined);
    case 'order_id': return extractOrderId(text);
    case 'date': return mentionOf(text).date;
    case 'time': return mentionOf(text).time;
    case 'datetime': return undefined;
    case 'name': return extractName(text, answer);
    case 'enum': return extractEnum(text, field.schema.enum ?? []);
    case 'boolean': return answer ? extractBoolean(text) : undefined;
    case 'number': {
      const value = extractNumber(text, answer ? undefined : field.cues);
      return value !== undefined && field.schema.type === 'integer' && !Number.isInteger(value) ? undefined : value;
    }
    case 'free_text':
    case 'string': return answer ? wholeText(text) : undefined;
  }
}

function wholeText(text: string): string | undefined {
  const trimmed = text.trim();
  // A question back ("what services do you offer?") is not an answer.
  return trimmed && !trimmed.endsWith('?') ? trimmed : undefined;
}

function numberOrUndefined(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number.parseInt(text, 10);
}
