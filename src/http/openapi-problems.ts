/**
 * The failure side of the OpenAPI document: which 4XX problems each operation can answer, derived
 * from what the pipeline checks for it (input, credential kind, scope, ids, If-Match,
 * Idempotency-Key, body), as `$ref`s to shared responses. Anything else is the `default` response.
 */
import { ERROR_CODES, type ErrorCode } from '../errors.ts';
import type { Tool } from '../tools/types.ts';

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

export const PROBLEM_SCHEMAS = { Problem: problemSchema, OpenAIProblem: openaiProblemSchema };

const RESPONSE_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableContent',
  429: 'TooManyRequests',
};

const RATE_LIMIT_HEADERS = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  'RateLimit-Limit': { description: 'Requests allowed per minute.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in this window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
};

/** An id the caller names: a path parameter, or an input field such as `agentId` or `file_id`. */
const ID_FIELD = /(?:Id|_id)$/;

/** The problem codes an operation can answer, by status. */
export function problemCodes(tool: Tool): Map<number, ErrorCode[]> {
  const hasBody = tool.http.method !== 'GET' && tool.http.method !== 'DELETE';
  const names = Object.keys(tool.input.shape);
  const codes: (ErrorCode | false | undefined)[] = [
    'validation_error',
    hasBody && 'invalid_json',
    tool.flags.paginated && 'invalid_cursor',
    'unauthorized',
    tool.flags.reserved && 'operation_reserved',
    tool.auth === 'session' && 'dashboard_session_required',
    (tool.auth === 'secret' || tool.auth === 'publishable') && 'forbidden',
    tool.auth === 'publishable' && 'origin_not_allowed',
    tool.scope && 'insufficient_scope',
    (tool.pathParams.length > 0 || names.some((name) => ID_FIELD.test(name))) && 'not_found',
    tool.flags.ifMatch && 'version_conflict',
    tool.flags.idempotencyKey && 'idempotency_in_progress',
    hasBody && (tool.http.multipart ? 'file_too_large' : 'payload_too_large'),
    hasBody && 'unsupported_media_type',
    tool.flags.idempotencyKey && 'idempotency_key_reused',
    'rate_limited',
  ];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    if (!code) continue;
    const { status } = ERROR_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

/** Collects the shared problem responses that a document's operations reference. */
export class ProblemResponses {
  readonly responses: Record<string, Record<string, unknown>> = {};

  /** The 4XX responses and the default (any other problem) of one operation. */
  of(tool: Tool): Record<string, unknown> {
    const openai = tool.http.wire === 'openai';
    const entries = [...problemCodes(tool)].map(([status, codes]) => [
      String(status),
      { $ref: `#/components/responses/${this.use(status, openai)}`, description: `${ERROR_CODES[codes[0]].title}: ${codes.map((code) => `\`${code}\``).join(', ')}.` },
    ]);
    return { ...Object.fromEntries(entries), default: { $ref: `#/components/responses/${this.use(0, openai)}` } };
  }

  private use(status: number, openai: boolean): string {
    const name = `${openai ? 'OpenAI' : ''}${RESPONSE_NAMES[status] ?? 'Problem'}`;
    this.responses[name] ??= {
      description: status ? `${RESPONSE_NAMES[status].replace(/(?<=[a-z])(?=[A-Z])/g, ' ')} (a problem, RFC 9457)` : 'Any other problem (RFC 9457)',
      ...(status === 429 ? { headers: RATE_LIMIT_HEADERS } : {}),
      content: openai
        ? { 'application/json': { schema: { $ref: '#/components/schemas/OpenAIProblem' } } }
        : { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    return name;
  }
}
