/**
 * What a skill is, checked once for every face: its fields, its parameters (a JSON Schema object
 * the model fills in, compiled to make sure it is one), and its type's execution config.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { FlowyteError } from '../../errors.ts';

export interface SkillType {
  skillType: string;
  name: string;
  category: string;
  description: string;
  executionConfig: Record<string, string>;
  /** Whether this release can run skills of the type. */
  available: boolean;
}

const CATALOG_FILE = fileURLToPath(new URL('../../../db/catalog/skill-types.json', import.meta.url));
export const SKILL_TYPES: readonly SkillType[] = JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as SkillType[];
export const SKILL_TYPE_NAMES = SKILL_TYPES.map((type) => type.skillType) as [string, ...string[]];

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);

/** A compiled validator for a parameters schema, or a validation error naming the problem. */
export function compileParameters(schema: Record<string, unknown>, field = 'parametersSchema'): ValidateFunction {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
    throw invalid(field, 'must be a JSON Schema object: { "type": "object", "properties": { … } }');
  }
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw invalid(field, `is not a valid JSON Schema: ${(error as Error).message}`);
  }
}

function invalid(field: string, message: string): FlowyteError {
  return new FlowyteError('validation_error', `${field} ${message}`, { errors: [{ field, message }] });
}

/** A phone number or SIP URI in the form transfers use: E.164, with 10-digit US numbers normalized. */
export function normalizeDestination(value: string, field: string): string {
  if (/^sips?:\S+$/.test(value)) return value;
  const parsed = parsePhoneNumberFromString(value, 'US');
  if (!parsed?.isPossible()) throw invalid(field, 'must be a phone number (E.164 such as +14155550100, or a 10-digit US number) or a sip: URI');
  return parsed.number;
}

const headersSchema = z
  .record(z.string().min(1).max(100), z.string().max(4000))
  .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers');

const parameterShorthand = z.object({
  name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a variable-style name').max(64),
  description: z.string().max(500).default(''),
  type: z.enum(['string', 'number', 'integer', 'boolean']).default('string'),
  required: z.boolean().default(true),
});

/** The execution config each available skill type takes. */
export const EXECUTION_CONFIGS: Record<string, z.ZodObject> = {
  http_webhook: z.object({
    url: z.string().url().max(2048),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('POST'),
    headers: headersSchema.default({}),
    timeout_ms: z.number().int().min(100).max(30_000).default(8000),
    parameters: z.array(parameterShorthand).max(50).optional(),
  }),
  transfer: z.object({
    destination: z.string().max(200).optional(),
    warm: z.boolean().optional(),
  }),
  take_message: z.object({
    recipient: z.string().max(200).optional(),
  }),
};

/** Check and normalize a type's execution config; the parameters shorthand becomes a schema. */
export function parseExecutionConfig(skillType: string, raw: Record<string, unknown>): { config: Record<string, unknown>; parameters?: Record<string, unknown> } {
  const type = SKILL_TYPES.find((candidate) => candidate.skillType === skillType);
  const schema = EXECUTION_CONFIGS[skillType];
  if (!type?.available || !schema) {
    throw new FlowyteError('skill_type_unavailable', `skill type ${skillType} cannot run in this release; GET /skill-types lists the available ones`, {
      errors: [{ field: 'skillType', message: 'is not available yet' }],
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ field: ['executionConfig', ...issue.path].join('.'), message: issue.message }));
    throw new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
  }
  const config = parsed.data as Record<string, unknown>;
  if (typeof config.destination === 'string') config.destination = normalizeDestination(config.destination, 'executionConfig.destination');
  const shorthand = config.parameters as z.output<typeof parameterShorthand>[] | undefined;
  if (!shorthand) return { config };
  delete config.parameters;
  return {
    config,
    parameters: {
      type: 'object',
      properties: Object.fromEntries(shorthand.map((parameter) => [parameter.name, { type: parameter.type, description: parameter.description }])),
      required: shorthand.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    },
  };
}

/** Configuration values that are secrets (request headers): stored, used, never shown again. */
export function redactExecutionConfig(config: Record<string, unknown>): Record<string, unknown> {
  if (!config.headers || typeof config.headers !== 'object') return config;
  return { ...config, headers: Object.fromEntries(Object.keys(config.headers).map((name) => [name, '(set)'])) };
}
