/**
 * Canonical parameters: the few names (caller_phone, service_address, …) bindings are encouraged
 * to map onto, so that an agent's prompt reads the same whatever system sits behind a skill.
 */
import { readFileSync } from 'node:fs';
import { packagePath } from '../../package-root.ts';

export interface CanonicalParameter {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description: string;
  /** Provider argument names it usually stands for (snake_case), for auto-mapping. */
  aliases: string[];
}

const CATALOG_FILE = packagePath('db', 'catalog', 'canonical-parameters.json');
export const CANONICAL_PARAMETERS: ReadonlyMap<string, CanonicalParameter> = new Map(
  (JSON.parse(readFileSync(CATALOG_FILE, 'utf8')) as CanonicalParameter[]).map((parameter) => [parameter.name, parameter]),
);

/** A name as snake_case: `clientPhone` → `client_phone`, `Look up the caller` → `look_up_the_caller`. */
export function snakeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** The canonical parameter a provider argument (or field) name stands for, if any (`input.clientPhone` reads as `client_phone`). */
export function canonicalFor(name: string): CanonicalParameter | undefined {
  const snake = snakeName(name.split('.').at(-1) ?? name);
  for (const parameter of CANONICAL_PARAMETERS.values()) if (parameter.name === snake || parameter.aliases.includes(snake)) return parameter;
  return undefined;
}
