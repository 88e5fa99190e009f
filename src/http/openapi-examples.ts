/**
 * An example for every request and response body of the document, sampled from its own schema
 * (openapi-sampler: enums, formats, patterns, `$ref`s), so examples never drift from the schemas.
 */
import { createRequire } from 'node:module';
import type { JsonSchema } from '../tools/json-schema.ts';

type Sample = (schema: object, options?: Record<string, unknown>, document?: object) => unknown;
const { sample } = createRequire(import.meta.url)('openapi-sampler') as { sample: Sample };

/**
 * Values for the patterns openapi-sampler cannot build a match for (it samples `(…)*` groups
 * literally). The lint test fails on an example that breaks its schema: add the pattern here.
 */
const PATTERN_EXAMPLES: Record<string, string> = {
  '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$': 'en',
  '^https?:\\/\\/[a-z0-9.-]+(:\\d{1,5})?$': 'https://www.example.com',
  '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.:_-]+)$': 'db.example.com',
};

/**
 * Give the schemas the sampler gets wrong an example of their own (in place): the patterns above,
 * and zod's `.int()` bounds (the sampler's lowest value, -2^53 + 1, reads as noise; 0 reads as a count).
 */
function seedExamples(node: unknown, document: object): void {
  if (!node || typeof node !== 'object') return;
  for (const child of Object.values(node)) seedExamples(child, document);
  const schema = node as JsonSchema & { pattern?: string; propertyNames?: { pattern?: string }; additionalProperties?: JsonSchema; minimum?: number; maximum?: number };
  if (schema.examples) return;
  if (schema.type === 'integer' && schema.minimum === Number.MIN_SAFE_INTEGER) schema.examples = [Math.min(0, schema.maximum ?? 0)];
  const known = (pattern?: string) => (pattern === undefined ? undefined : PATTERN_EXAMPLES[pattern]);
  if (schema.type === 'string' && known(schema.pattern)) schema.examples = [known(schema.pattern)];
  const key = known(schema.propertyNames?.pattern);
  if (key && schema.additionalProperties) schema.examples = [{ [key]: exampleOf(schema.additionalProperties, document, { writing: false }) }];
}

interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
}

/** A stream's frames as they go on the wire; OpenAI's have no `event:` line, and `[DONE]` is not JSON. */
function streamExample(frames: { event?: string; data?: unknown }[]): string {
  return frames
    .map(({ event, data }) => `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
    .join('');
}

/** Sample one body schema; the document resolves its `$ref`s. */
export function exampleOf(schema: JsonSchema, document: object, options: { writing: boolean }): unknown {
  return sample(schema, { quiet: true, enablePatterns: true, skipReadOnly: options.writing, skipWriteOnly: !options.writing }, document);
}

/** Give every media type of every operation an example (in place). */
export function addExamples(document: { paths: Record<string, Record<string, Record<string, unknown>>>; components: object }): void {
  seedExamples(document.paths, document);
  seedExamples(document.components, document);
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const request = operation.requestBody as { content: Record<string, MediaType> } | undefined;
      for (const media of Object.values(request?.content ?? {})) if (media.schema) media.example = exampleOf(media.schema, document, { writing: true });
      for (const response of Object.values(operation.responses as Record<string, { description: string; content?: Record<string, MediaType> }>)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (!media.schema || media.schema.format === 'binary') continue;
          if (type === 'text/event-stream') {
            // One frame of each kind, in the order the schema lists them.
            const frames = ((media.schema.items as JsonSchema).oneOf as JsonSchema[]).map((frame) => exampleOf(frame, document, { writing: false }));
            media.example = frames;
            response.description += `\n\n\`\`\`\n${streamExample(frames as { event?: string; data?: unknown }[])}\`\`\``;
          } else media.example = exampleOf(media.schema, document, { writing: false });
        }
      }
    }
  }
}
