/** OpenAPI 3.1, generated from the registry and nothing else. */
import { ERROR_CODES } from '../errors.ts';
import type { Tool } from '../tools/types.ts';
import { isList } from '../tools/define.ts';
import { jsonSchemaOf, type JsonSchema } from '../tools/json-schema.ts';

const HEADER_FIELDS: Record<string, string> = { ifMatch: 'If-Match', idempotencyKey: 'Idempotency-Key' };

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', description: 'URI naming the problem type.' },
    title: { type: 'string', description: 'Short summary of the problem type.' },
    status: { type: 'integer', description: 'HTTP status.' },
    detail: { type: 'string', description: 'What went wrong this time.' },
    instance: { type: 'string', description: 'The request path.' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable code to branch on.' },
    errors: {
      type: 'array',
      description: 'Field-level validation errors.',
      items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** What OpenAI-wire routes answer on failure: the problem plus OpenAI's `error` member, as plain JSON. */
const openaiProblemSchema = {
  allOf: [
    { $ref: '#/components/schemas/Problem' },
    {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          description: "OpenAI's error object, which OpenAI SDKs read.",
          required: ['message', 'type', 'code', 'param'],
          properties: {
            message: { type: 'string', description: 'The detail.' },
            type: { type: 'string', enum: ['invalid_request_error', 'authentication_error', 'permission_error', 'rate_limit_error', 'server_error'] },
            code: { type: 'string', description: 'The problem code.' },
            param: { type: ['string', 'null'], description: 'The first offending input field.' },
          },
        },
      },
    },
  ],
};

/** The default (failure) response of an operation. */
function failureResponse(tool: Tool) {
  return tool.http.wire === 'openai'
    ? { description: "A problem, in OpenAI's error shape too", content: { 'application/json': { schema: { $ref: '#/components/schemas/OpenAIProblem' } } } }
    : { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
}

function successBody(tool: Tool): JsonSchema {
  const data = jsonSchemaOf(tool.output, 'output');
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

function operation(tool: Tool): Record<string, unknown> {
  const input = jsonSchemaOf(tool.input, 'input');
  const properties = input.properties ?? {};
  const required = new Set(input.required ?? []);
  const parameters: Record<string, unknown>[] = [];
  const bodyProperties: Record<string, JsonSchema> = {};
  const inQuery = tool.http.method === 'GET' || tool.http.method === 'DELETE';
  for (const [name, schema] of Object.entries(properties)) {
    const { description, ...typeOnly } = schema;
    if (tool.pathParams.includes(name)) parameters.push({ name, in: 'path', required: true, description, schema: typeOnly });
    else if (HEADER_FIELDS[name]) parameters.push({ name: HEADER_FIELDS[name], in: 'header', required: false, description, schema: typeOnly });
    else if (inQuery) parameters.push({ name, in: 'query', required: required.has(name), description, schema: typeOnly });
    else bodyProperties[name] = schema;
  }
  const bodyRequired = [...required].filter((name) => name in bodyProperties);
  const json = { 'application/json': { schema: successBody(tool) } };
  const events = {
    'text/event-stream': {
      schema: {
        type: 'string',
        description:
          tool.http.wire === 'openai'
            ? '`data:` lines of chat.completion.chunk objects, ending with `data: [DONE]`.'
            : 'Events (`event:` type, `data:` JSON), ending with `event: done` (the result) or `event: error` (a problem).',
      },
    },
  };
  const success = tool.http.file
    ? { description: 'The file.', content: { [tool.http.file.contentType]: { schema: { type: 'string', format: 'binary' } } } }
    : !tool.flags.streaming
    ? { description: 'Success', content: json }
    : tool.http.sse === 'requested'
      ? { description: 'JSON, or server-sent events when the request says `stream: true` or accepts `text/event-stream`.', content: { ...json, ...events } }
      : { description: 'Server-sent events.', content: events };
  return {
    operationId: tool.name,
    summary: tool.title,
    description: tool.description + (tool.flags.reserved ? '\n\nReserved: answers 403 until it opens.' : ''),
    tags: [tool.toolset],
    ...(parameters.length ? { parameters } : {}),
    ...(inQuery
      ? {}
      : {
          requestBody: {
            required: bodyRequired.length > 0,
            content: { 'application/json': { schema: bodySchema(tool, bodyProperties, bodyRequired) } },
          },
        }),
    responses: {
      [String(tool.http.successStatus)]: success,
      default: failureResponse(tool),
    },
    security: [{ bearer: [] }],
    'x-flowyte-scope': tool.scope ?? null,
    'x-flowyte-auth': tool.auth,
    'x-flowyte-flags': tool.flags,
  };
}

/** The whole document for a tool list. */
export function buildOpenApi(tools: readonly Tool[], baseUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const tool of tools) {
    paths[tool.http.path] ??= {};
    paths[tool.http.path][tool.http.method.toLowerCase()] = operation(tool);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowyte API',
      version: '1.0.0',
      description: 'Build, publish and run AI voice and chat agents. Every operation is also an MCP tool of the same name at /mcp.',
    },
    servers: [{ url: `${baseUrl}/api/v1` }],
    tags: [...new Set(tools.map((tool) => tool.toolset))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A secret key (flowyte_sk_…), a dashboard session token, or a publishable key for widget calls.' },
      },
      schemas: { Problem: problemSchema, OpenAIProblem: openaiProblemSchema },
    },
  };
}
