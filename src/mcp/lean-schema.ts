/**
 * Lean JSON Schemas for `tools/list`, which a host loads into a model's context on every turn.
 * The OpenAPI document keeps every description, default, example and value rule; MCP keeps what
 * a model writes input from and what a client checks a result against.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from '../tools/json-schema.ts';

/** Keywords that only document a value. */
const DOCUMENTATION = ['description', 'default', 'examples', 'title', '$comment'];
/** Keywords that bound a value: the server's own output always meets them (invokeTool checks it). */
const VALUE_RULES = ['minLength', 'maxLength', 'pattern', 'format', 'minItems', 'maxItems', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'propertyNames'];
const DROPPED_FROM_OUTPUT = new Set([...DOCUMENTATION, ...VALUE_RULES]);

const isObjectSchema = (schema: JsonSchema) =>
  schema.type === 'object' || schema.properties !== undefined || typeof schema.additionalProperties === 'object';

/** Keywords whose value is a schema or a list of schemas (the rest hold data: enum, const, default…). */
const SUBSCHEMAS = new Set(['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf', 'not', 'contains', 'if', 'then', 'else']);

/** The value of `keyword` with `map` applied to the schemas it holds. */
function mapSubschemas(keyword: string, value: unknown, map: (schema: JsonSchema) => JsonSchema): unknown {
  if (!SUBSCHEMAS.has(keyword) || !value || typeof value !== 'object') return value;
  return Array.isArray(value) ? value.map((item) => map(item as JsonSchema)) : map(value as JsonSchema);
}

const mapProperties = (properties: Record<string, JsonSchema>, map: (schema: JsonSchema) => JsonSchema) =>
  Object.fromEntries(Object.entries(properties).map(([name, field]) => [name, map(field)]));

/** Where an output schema may be loosened: a value it accepts must stay accepted (so not inside `not` or `if`). */
const LOOSENED_IN_OUTPUT = new Set(['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf']);

/**
 * An output schema with its structure — types, properties, required fields, enums — down to the
 * fields of `levels` nested objects; objects deeper down are only typed `object`. Every result
 * that matches the full schema matches this one: alternatives become `anyOf`, since two that
 * differed only deeper down would both match and fail a `oneOf`.
 */
export function leanOutputSchema(schema: JsonSchema, levels: number): JsonSchema {
  if (levels === 0 && isObjectSchema(schema)) return schema.type === undefined ? {} : { type: schema.type };
  const lean: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (DROPPED_FROM_OUTPUT.has(keyword)) continue;
    if (keyword === 'properties') {
      lean.properties = mapProperties(value as Record<string, JsonSchema>, (field) => leanOutputSchema(field, levels - 1));
    } else if (keyword === 'additionalProperties' && typeof value === 'object') {
      lean.additionalProperties = leanOutputSchema(value as JsonSchema, levels - 1);
    } else if (LOOSENED_IN_OUTPUT.has(keyword)) {
      const loosened = mapSubschemas(keyword, value, (child) => leanOutputSchema(child, levels));
      if (!Array.isArray(loosened) || keyword === 'prefixItems') lean[keyword] = loosened;
      // zod writes a union as anyOf or as oneOf, never both on one schema.
      else lean[keyword === 'oneOf' && schema.anyOf === undefined ? 'anyOf' : keyword] = distinct(loosened);
    } else {
      lean[keyword] = value;
    }
  }
  return lean;
}

/** The alternatives without repeats (two union members may look the same once loosened). */
function distinct(schemas: unknown[]): unknown[] {
  const seen = new Set<string>();
  return schemas.filter((schema) => !seen.has(JSON.stringify(schema)) && Boolean(seen.add(JSON.stringify(schema))));
}

/**
 * An input schema without what it says twice: the default of an object whose fields state the
 * same defaults (the agent draft's `persona`, `handoffConfig`, …), and a description already
 * given earlier in the same schema (the seven days of `businessHours.weekly`). Every word a model
 * reads is still there once.
 */
export function leanInputSchema(schema: JsonSchema, described = new Set<unknown>()): JsonSchema {
  const lean: JsonSchema = {};
  const leanChild = (child: JsonSchema) => leanInputSchema(child, described);
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === 'default' && restatesFieldDefaults(schema, value)) continue;
    if (keyword === 'description') {
      if (described.has(value)) continue;
      described.add(value);
    }
    lean[keyword] =
      keyword === 'properties'
        ? mapProperties(value as Record<string, JsonSchema>, leanChild)
        : keyword === 'additionalProperties' && typeof value === 'object'
          ? leanChild(value as JsonSchema)
          : mapSubschemas(keyword, value, leanChild);
  }
  return lean;
}

function restatesFieldDefaults(schema: JsonSchema, value: unknown): boolean {
  if (!schema.properties || !value || typeof value !== 'object' || Array.isArray(value)) return false;
  const fields = schema.properties;
  return Object.entries(value).every(([name, fieldDefault]) => isDeepStrictEqual(fields[name]?.default, fieldDefault));
}
