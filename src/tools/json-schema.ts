/** A tool's zod schema as JSON Schema 2020-12, the dialect both OpenAPI 3.1 and MCP speak. */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/** `metadata` replaces zod's global registry (the OpenAPI document names shared shapes with it). */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output', metadata?: z.core.$ZodRegistry<z.core.GlobalMeta>): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', ...(metadata ? { metadata } : {}) }) as JsonSchema;
  return rest;
}
