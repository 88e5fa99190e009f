/**
 * What a skill is, checked once for every face: its fields, its parameters (a JSON Schema object
 * the model fills in, compiled to make sure it is one), and its type's execution config.
 */
import { readFileSync } from 'node:fs';
import type { Ajv, ValidateFunction } from 'ajv';
import type AjvFormats from 'ajv-formats';
import { lazyRequire } from '../../lazy-require.ts';
import { FlowyteError } from '../../errors.ts';
import { invalidField } from './kind.ts';
import { SKILL_KINDS } from './kinds.ts';
import { packagePath } from '../../package-root.ts';

export interface SkillType {
  skillType: string;
  name: string;
  category: string;
  description: string;
  executionConfig: Record<string, string>;
  /** Whether this release can run skills of the type. */
  available: boolean;
}

const CATALOG_FILE = packagePath('db', 'catalog', 'skill-types.json');
export const SKILL_TYPES: readonly SkillType[] = (JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as Omit<SkillType, 'available'>[]).map((type) => ({
  ...type,
  available: SKILL_KINDS.has(type.skillType),
}));
export const SKILL_TYPE_NAMES = SKILL_TYPES.map((type) => type.skillType) as [string, ...string[]];

// Ajv loads when the first parameters schema is compiled, not at every start.
const ajvPackage = lazyRequire<typeof import('ajv')>('ajv');
const formatsPackage = lazyRequire<typeof AjvFormats>('ajv-formats');
let validators: Ajv | undefined;

function ajv(): Ajv {
  if (!validators) {
    validators = new (ajvPackage().Ajv)({ strict: false, allErrors: true });
    formatsPackage().default(validators);
  }
  return validators;
}

/** A compiled validator for a parameters schema, or a validation error naming the problem. */
export function compileParameters(schema: Record<string, unknown>, field = 'parametersSchema'): ValidateFunction {
  if (schema.type !== 'object' || typeof schema.properties !== 'object' || schema.properties === null) {
    throw invalidField(field, 'must be a JSON Schema object: { "type": "object", "properties": { … } }');
  }
  try {
    return ajv().compile(schema);
  } catch (error) {
    throw invalidField(field, `is not a valid JSON Schema: ${(error as Error).message}`);
  }
}


/** Check and normalize a type's execution config; the parameters shorthand becomes a schema. */
export function parseExecutionConfig(skillType: string, raw: Record<string, unknown>): { config: Record<string, unknown>; parameters?: Record<string, unknown> } {
  const kind = SKILL_KINDS.get(skillType);
  if (!kind) {
    throw new FlowyteError('skill_type_unavailable', `skill type ${skillType} cannot run in this release; GET /skill-types lists the available ones`, {
      errors: [{ field: 'skillType', message: 'is not available yet' }],
    });
  }
  const parsed = kind.config.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ field: ['executionConfig', ...issue.path].join('.'), message: issue.message }));
    throw new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
  }
  const config = kind.normalize ? kind.normalize(parsed.data as Record<string, unknown>) : (parsed.data as Record<string, unknown>);
  const shorthand = config.parameters as { name: string; description: string; type: string; required: boolean }[] | undefined;
  if (!shorthand) return { config, parameters: kind.defaultParameters };
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
