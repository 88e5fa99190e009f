/** Gather a tool's input from a REST request: path params, query string or JSON body, headers. */
import type { Context } from 'hono';
import { jsonSchemaOf } from '../tools/json-schema.ts';
import { FlowyteError } from '../errors.ts';
import type { Tool } from '../tools/types.ts';

type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'other';

/** The JSON type of each top-level input field, for turning query strings into values. */
export function fieldKinds(tool: Tool): Map<string, FieldKind> {
  const schema = jsonSchemaOf(tool.input, 'input') as { properties?: Record<string, { type?: string | string[] }> };
  const kinds = new Map<string, FieldKind>();
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const type = Array.isArray(property.type) ? property.type.find((t) => t !== 'null') : property.type;
    kinds.set(name, (['string', 'number', 'integer', 'boolean', 'array'].includes(type ?? '') ? type : 'other') as FieldKind);
  }
  return kinds;
}

function coerce(value: string, kind: FieldKind | undefined): unknown {
  if (kind === 'number' || kind === 'integer') return value.trim() === '' || Number.isNaN(Number(value)) ? value : Number(value);
  if (kind === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/**
 * Read the JSON body; an empty body is `{}`. It must be a JSON object, except for tools whose
 * contract takes a bare array (`http.arrayBody`): the array becomes that input field.
 */
async function readBody(c: Context, arrayField?: string): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  const type = c.req.header('content-type') ?? '';
  if (type && !/json/i.test(type)) throw new FlowyteError('unsupported_media_type', 'send the body as application/json');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new FlowyteError('invalid_json', 'the request body is not valid JSON');
  }
  if (arrayField && Array.isArray(body)) return { [arrayField]: body };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FlowyteError('validation_error', 'the request body must be a JSON object', {
      errors: [{ field: '(body)', message: 'must be a JSON object' }],
    });
  }
  return body as Record<string, unknown>;
}

/** A multipart upload: the `file` part becomes filename, contentType and contentBase64. */
async function readMultipart(c: Context): Promise<Record<string, unknown>> {
  const form = await c.req.parseBody();
  const { file, ...fields } = form;
  if (!(file instanceof File)) {
    throw new FlowyteError('validation_error', 'send the file as a multipart part named "file"', {
      errors: [{ field: 'file', message: 'is required' }],
    });
  }
  return {
    ...fields,
    filename: typeof fields.filename === 'string' ? fields.filename : file.name,
    contentType: typeof fields.contentType === 'string' ? fields.contentType : file.type || 'application/octet-stream',
    contentBase64: Buffer.from(await file.arrayBuffer()).toString('base64'),
  };
}

/**
 * Everything the request says, as one object for the tool's input schema. Built from entries so
 * that a field named `__proto__` stays an own field (and fails the unknown-field check) instead of
 * replacing the object's prototype, as assignment would.
 */
export async function gatherInput(c: Context, tool: Tool, kinds: Map<string, FieldKind>): Promise<Record<string, unknown>> {
  const entries: [string, unknown][] = [];
  if (tool.http.multipart && /^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) {
    entries.push(...Object.entries(await readMultipart(c)));
  } else if (tool.http.method === 'GET' || tool.http.method === 'DELETE') {
    for (const [name, values] of Object.entries(c.req.queries())) {
      const kind = kinds.get(name);
      entries.push([name, kind === 'array' ? values.flatMap((value) => value.split(',')) : coerce(values.at(-1) ?? '', kind)]);
    }
  } else {
    entries.push(...Object.entries(await readBody(c, tool.http.arrayBody)));
  }
  for (const name of tool.pathParams) entries.push([name, c.req.param(name)]);
  const ifMatch = c.req.header('if-match');
  if (tool.flags.ifMatch && ifMatch !== undefined) entries.push(['ifMatch', ifMatch]);
  const idempotencyKey = c.req.header('idempotency-key');
  if (tool.flags.idempotencyKey && idempotencyKey !== undefined) entries.push(['idempotencyKey', idempotencyKey]);
  return Object.fromEntries(entries);
}
