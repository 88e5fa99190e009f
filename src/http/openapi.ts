/** OpenAPI 3.1, generated from the registry and nothing else. */
import type { Tool } from '../tools/types.ts';
import { TOOLSETS } from '../tools/toolsets.ts';
import { isList } from '../tools/define.ts';
import { jsonSchemaOf, type JsonSchema } from '../tools/json-schema.ts';
import { ComponentSchemas } from './openapi-schemas.ts';
import { PROBLEM_SCHEMAS, ProblemResponses } from './openapi-problems.ts';
import { STREAM_EVENTS } from './openapi-events.ts';
import { addExamples } from './openapi-examples.ts';

const IDEMPOTENCY_KEY =
  'Optional. A key you choose (e.g. a UUID) that makes a retry safe: a retry with the same key and body replays the first result ' +
  '(with `Idempotent-Replayed: true`) instead of running again; the same key with another body is 422 `idempotency_key_reused`, ' +
  'and one still running is 409 `idempotency_in_progress`. Keys are per organization. A retry WITHOUT a key repeats the effect: ' +
  'the operation runs again (e.g. `POST /billing/wallet/credit` credits twice).';

/** Input fields that travel as headers, with the header's own description where it says more. */
const HEADER_FIELDS: Record<string, { name: string; description?: string }> = {
  ifMatch: { name: 'If-Match' },
  idempotencyKey: { name: 'Idempotency-Key', description: IDEMPOTENCY_KEY },
};

interface Faces {
  schemas: ComponentSchemas;
  problems: ProblemResponses;
}

function successBody(tool: Tool, data: JsonSchema): JsonSchema {
  if (tool.http.wire === 'openai') return data;
  if (isList(tool)) {
    const { items, ...beside } = data.properties ?? {};
    return {
      type: 'object',
      required: ['success', 'data', ...(data.required ?? []).filter((name) => name !== 'items')],
      properties: { success: { const: true }, data: items, ...beside },
    };
  }
  return { type: 'object', required: ['success', 'data'], properties: { success: { const: true }, data } };
}

/** The JSON body: an object of the non-path fields, or for `arrayBody` tools also the bare list. */
function bodySchema(tool: Tool, properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  const object: JsonSchema = { type: 'object', properties, ...(required.length ? { required } : {}) };
  const list = tool.http.arrayBody ? properties[tool.http.arrayBody] : undefined;
  return list ? { oneOf: [list, object] } : object;
}

/** A multipart upload: a `file` part instead of base64, the other fields as parts (see http/input.ts). */
function multipartSchema(properties: Record<string, JsonSchema>, required: string[]): JsonSchema {
  const { contentBase64: _base64, ...fields } = properties;
  return {
    type: 'object',
    required: ['file', ...required.filter((name) => name !== 'contentBase64' && name !== 'filename')],
    properties: {
      file: { type: 'string', format: 'binary', description: 'The file. Its name and type fill filename and contentType unless those parts are sent.' },
      ...fields,
    },
  };
}

function requestBody(tool: Tool, properties: Record<string, JsonSchema>, required: string[]): Record<string, unknown> {
  const json = { 'application/json': { schema: bodySchema(tool, properties, required) } };
  const content = tool.http.multipart ? { 'multipart/form-data': { schema: multipartSchema(properties, required) }, ...json } : json;
  return { required: required.length > 0, content };
}

/**
 * A stream as the list of its frames, each parsed (`event` and the JSON of `data`): OpenAPI 3.1 has
 * no way to type the items of `text/event-stream`. The wire form is in the response description.
 */
function eventStream(tool: Tool, data: JsonSchema): JsonSchema {
  const frame = (event: string | null, schema: JsonSchema, description?: string, title = event): JsonSchema => ({
    title,
    type: 'object',
    required: event ? ['event', 'data'] : ['data'],
    ...(description ? { description } : {}),
    properties: event ? { event: { const: event }, data: schema } : { data: schema },
  });
  const frames =
    tool.http.wire === 'openai'
      ? [
          frame(null, STREAM_EVENTS[tool.name]['chat.completion.chunk'], undefined, 'chat.completion.chunk'),
          frame(null, { type: 'string', const: '[DONE]' }, 'The stream ends.', '[DONE]'),
        ]
      : [
          ...Object.entries(STREAM_EVENTS[tool.name] ?? {}).map(([event, schema]) => frame(event, schema, schema.description as string | undefined)),
          frame('done', data, 'The result; the stream ends.'),
          frame('error', { $ref: '#/components/schemas/Problem' }, 'The work failed; the stream ends.'),
        ];
  return { type: 'array', description: 'The frames of the stream, in order, each parsed.', items: { oneOf: frames } };
}

const STREAM_WIRE = {
  flowyte: 'Server-sent events: frames of `event: <name>` and `data: <JSON>`, ending with `event: done` (the result) or `event: error` (a problem).',
  openai: 'Server-sent events: `data:` lines of chat.completion.chunk objects, ending with `data: [DONE]`.',
};

function successResponse(tool: Tool, faces: Faces): Record<string, unknown> {
  if (tool.http.file) {
    return { description: 'The file.', content: { [tool.http.file.contentType]: { schema: { type: 'string', format: 'binary' } } } };
  }
  const data = faces.schemas.output(tool.output);
  const json = { 'application/json': { schema: successBody(tool, data) } };
  if (!tool.flags.streaming) return { description: 'Success', content: json };
  const events = { 'text/event-stream': { schema: eventStream(tool, data) } };
  const wire = STREAM_WIRE[tool.http.wire ?? 'flowyte'];
  return tool.http.sse === 'requested'
    ? { description: `JSON, or when the request says \`stream: true\` or accepts \`text/event-stream\`: ${wire}`, content: { ...json, ...events } }
    : { description: wire, content: events };
}

function operation(tool: Tool, faces: Faces): Record<string, unknown> {
  const input = jsonSchemaOf(tool.input, 'input');
  const properties = input.properties ?? {};
  const required = new Set(input.required ?? []);
  const parameters: Record<string, unknown>[] = [];
  const bodyProperties: Record<string, JsonSchema> = {};
  const inQuery = tool.http.method === 'GET' || tool.http.method === 'DELETE';
  for (const [name, schema] of Object.entries(properties)) {
    const { description, ...typeOnly } = schema;
    const header = HEADER_FIELDS[name];
    if (tool.pathParams.includes(name)) parameters.push({ name, in: 'path', required: true, description, schema: typeOnly });
    else if (header) parameters.push({ name: header.name, in: 'header', required: false, description: header.description ?? description, schema: typeOnly });
    else if (inQuery) parameters.push({ name, in: 'query', required: required.has(name), description, schema: typeOnly });
    else bodyProperties[name] = schema;
  }
  const bodyRequired = [...required].filter((name) => name in bodyProperties);
  return {
    operationId: tool.name,
    summary: tool.title,
    description: tool.description + (tool.flags.reserved ? '\n\nReserved: answers 403 until it opens.' : ''),
    tags: [tool.toolset],
    ...(parameters.length ? { parameters } : {}),
    ...(inQuery ? {} : { requestBody: requestBody(tool, bodyProperties, bodyRequired) }),
    responses: { [String(tool.http.successStatus)]: successResponse(tool, faces), ...faces.problems.of(tool) },
    security: [{ bearer: [] }],
    'x-flowyte-scope': tool.scope ?? null,
    'x-flowyte-auth': tool.auth,
    'x-flowyte-flags': tool.flags,
  };
}

/** The whole document for a tool list. */
const documents = new WeakMap<readonly Tool[], Map<string, Record<string, unknown>>>();

/**
 * The whole document for these tools at this base URL, built once per process (up to a second):
 * REST's /openapi.json and MCP's flowyte://openapi.json serve the same object.
 */
export function openApiDocument(tools: readonly Tool[], baseUrl: string): Record<string, unknown> {
  let byBase = documents.get(tools);
  if (!byBase) documents.set(tools, (byBase = new Map()));
  let document = byBase.get(baseUrl);
  if (!document) byBase.set(baseUrl, (document = buildOpenApi(tools, baseUrl)));
  return document;
}

export function buildOpenApi(tools: readonly Tool[], baseUrl: string): Record<string, unknown> {
  const faces: Faces = { schemas: new ComponentSchemas(), problems: new ProblemResponses() };
  const paths: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const tool of tools) {
    paths[tool.http.path] ??= {};
    paths[tool.http.path][tool.http.method.toLowerCase()] = operation(tool, faces);
  }
  const descriptions = new Map(TOOLSETS.map((toolset) => [toolset.name, toolset.description]));
  const document = {
    openapi: '3.1.0',
    info: {
      title: 'Flowyte API',
      version: '1.0.0',
      description: 'Build, publish and run AI voice and chat agents. Every operation is also an MCP tool of the same name at /mcp.',
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    tags: [...new Set(tools.map((tool) => tool.toolset))].map((name) => ({ name, description: descriptions.get(name) ?? name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A secret key (flowyte_sk_…), a dashboard session token, or a publishable key for widget calls.' },
      },
      schemas: { ...PROBLEM_SCHEMAS, ...faces.schemas.schemas },
      responses: faces.problems.responses,
    },
  };
  addExamples(document);
  return document;
}
