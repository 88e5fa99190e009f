/** Building blocks for tool modules: defineTool, shared input fields, pagination. */
import { z } from 'zod';
import type { Tool, ToolContext, ToolSpec } from './types.ts';
import type { Page, PageRequest } from '../store/page.ts';

const NAME_PATTERN = /^[a-z0-9_]{1,40}$/;

/** Register-ready tool from a typed spec; checks the spec's own consistency. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(spec: ToolSpec<I, O>): Tool {
  if (!NAME_PATTERN.test(spec.name)) throw new Error(`tool name "${spec.name}" must be 1-40 chars of [a-z0-9_]`);
  const flags = spec.flags ?? {};
  const pathParams = [...spec.http.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const shape = spec.input.shape as Record<string, unknown>;
  for (const field of [
    ...pathParams,
    ...(flags.paginated ? ['cursor', 'limit'] : []),
    ...(flags.ifMatch ? ['ifMatch'] : []),
    ...(flags.idempotencyKey ? ['idempotencyKey'] : []),
  ]) {
    if (!(field in shape)) throw new Error(`tool ${spec.name} must declare input field "${field}"`);
  }
  const output = spec.output.shape as Record<string, unknown>;
  if ((flags.list || flags.paginated) && (!('items' in output) || 'data' in output || 'success' in output)) {
    throw new Error(`tool ${spec.name} is a list: its output needs "items" and no "data" or "success" field`);
  }
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    http: { ...spec.http, successStatus: spec.http.successStatus ?? 200 },
    scope: spec.scope,
    auth: spec.auth ?? 'secret',
    toolset: spec.toolset,
    input: spec.input,
    output: spec.output,
    flags,
    untrusted: spec.untrusted ?? [],
    pathParams,
    // invokeTool parses with spec.input before calling, so the input has the declared type.
    execute: (input, context) => spec.execute(input as z.output<I>, context),
  };
}

/** A resource id in a path, e.g. `agt_01j…`. */
export const idField = (description: string) => z.string().min(1).max(64).describe(description);

/** The output of a download tool (`http.file`): REST sends the bytes, MCP this object. */
export const fileOutput = z.object({
  filename: z.string().describe('A file name to save it under.'),
  contentType: z.string().describe('The media type.'),
  contentBase64: z.string().describe('The file, base64-encoded.'),
});
export type FileOutput = z.input<typeof fileOutput>;

export const pageInput = {
  cursor: z.string().max(512).optional().describe('The nextCursor of the previous page; omit for the first page.'),
  limit: z.number().int().min(1).max(100).default(20).describe('Items per page (1-100).'),
};

export const ifMatchField = z
  .string()
  .max(32)
  .optional()
  .describe('The agent version you last read; a stale value fails with 409 (REST: If-Match header).');

export const idempotencyKeyField = z
  .string()
  .min(1)
  .max(255)
  .optional()
  .describe('Retry-safe key: a repeat with the same key and input replays the first result (REST: Idempotency-Key header).');

/** Output of a tool that deletes one thing. */
export function deletedOutput(kind: string) {
  return z.object({ id: z.string().describe(`The deleted ${kind}.`), deleted: z.literal(true).describe('Always true.') });
}

/** Whether a tool's output is a list (`{ items, … }`), which REST answers as `data: items`. */
export function isList(tool: Tool): boolean {
  return Boolean(tool.flags.list || tool.flags.paginated);
}

/** Output schema of a list tool (flag `list`): the items, and any fields about the list beside them. */
export function listOf<T extends z.ZodType, F extends z.ZodRawShape = {}>(item: T, description: string, fields?: F) {
  return z.object({ items: z.array(item).describe(description), ...(fields ?? ({} as F)) });
}

/** Output schema of a paginated tool. */
export function pageOf<T extends z.ZodType>(item: T, order: 'newest first' | 'oldest first' | 'in number order' | 'by name' = 'newest first') {
  return z.object({
    items: z.array(item).describe(`This page of results, ${order}.`),
    nextCursor: z.string().nullable().describe('Pass as cursor to get the next page; null on the last page.'),
    hasMore: z.boolean().describe('Whether another page exists.'),
  });
}

/** Run a keyset page query for a paginated tool and shape its output. */
export function paginate<Row extends { id: string }, Item>(
  context: ToolContext,
  input: { cursor?: string; limit: number },
  query: (page: PageRequest) => Page<Row>,
  present: (row: Row) => Item,
): { items: Item[]; nextCursor: string | null; hasMore: boolean } {
  const before = input.cursor ? context.cursors.decode(input.cursor) : undefined;
  const page = query({ before, limit: input.limit });
  const last = page.items.at(-1);
  return {
    items: page.items.map(present),
    nextCursor: page.hasMore && last ? context.cursors.encode(last.id) : null,
    hasMore: page.hasMore,
  };
}
