/** One error type for the whole platform; `toProblem()` is the only formatter. */

export interface FieldError {
  field: string;
  message: string;
}

interface ErrorKind {
  status: number;
  title: string;
}

/** The one table mapping a stable problem `code` to its HTTP status and title. */
export const ERROR_CODES = {
  validation_error: { status: 400, title: 'Validation failure' },
  invalid_cursor: { status: 400, title: 'Invalid cursor' },
  invalid_json: { status: 400, title: 'Malformed JSON body' },
  unknown_model: { status: 400, title: 'Unknown model' },
  invalid_signature: { status: 400, title: 'Invalid webhook signature' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  insufficient_balance: { status: 402, title: 'Insufficient balance' },
  forbidden: { status: 403, title: 'Forbidden' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  origin_not_allowed: { status: 403, title: 'Origin not allowed' },
  host_not_allowed: { status: 403, title: 'Host not allowed' },
  identity_verification_failed: { status: 403, title: 'Visitor identity not verified' },
  dashboard_session_required: { status: 403, title: 'Dashboard session required' },
  operation_reserved: { status: 403, title: 'Reserved operation' },
  not_found: { status: 404, title: 'Not found' },
  file_expired: { status: 404, title: 'Upload expired' },
  recording_unavailable: { status: 404, title: 'Recording unavailable' },
  session_ended: { status: 409, title: 'Conversation ended' },
  version_conflict: { status: 409, title: 'Version conflict' },
  no_published_version: { status: 409, title: 'No published version' },
  idempotency_in_progress: { status: 409, title: 'Idempotent request in progress' },
  confirmation_required: { status: 409, title: 'Confirmation required' },
  action_not_pending: { status: 409, title: 'Action not pending' },
  probe_failed: { status: 409, title: 'Probe gates failed' },
  number_unavailable: { status: 409, title: 'Number unavailable' },
  number_unassigned: { status: 409, title: 'Number not assigned' },
  reservation_inactive: { status: 409, title: 'Reservation no longer active' },
  credential_expired: { status: 409, title: 'Credential expired' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  file_too_large: { status: 413, title: 'File too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused' },
  unprocessable: { status: 422, title: 'Unprocessable request' },
  url_not_allowed: { status: 422, title: 'URL not allowed' },
  unsupported_content: { status: 422, title: 'Unsupported content' },
  skill_type_unavailable: { status: 422, title: 'Skill type not available' },
  method_unavailable: { status: 422, title: 'Verification method not available' },
  probe_mode_unavailable: { status: 422, title: 'Probe mode not available' },
  extraction_failed: { status: 422, title: 'Could not extract text' },
  integration_unavailable: { status: 400, title: 'Integration not available' },
  connection_failed: { status: 400, title: 'Connection test failed' },
  integration_not_connected: { status: 409, title: 'Integration not connected' },
  schema_not_discovered: { status: 404, title: 'Schema not discovered' },
  discovery_unsupported: { status: 422, title: 'Discovery not supported' },
  integration_error: { status: 502, title: 'Integration provider failed' },
  sheet_not_accessible: { status: 404, title: 'Spreadsheet not accessible' },
  claim_secret_mismatch: { status: 403, title: 'Claim secret does not match' },
  fetch_failed: { status: 502, title: 'Fetching the URL failed' },
  payment_provider_error: { status: 502, title: 'Payment provider failed' },
  rate_limited: { status: 429, title: 'Too many requests' },
  model_error: { status: 502, title: 'Language model failed' },
  internal_error: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ErrorCode;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FlowyteErrorOptions {
  errors?: FieldError[];
  /** Extra members placed on the problem document (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  /** Response headers the problem needs (e.g. Retry-After). */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class FlowyteError extends Error {
  readonly code: ErrorCode;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: FlowyteErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = 'FlowyteError';
    this.code = code;
    this.errors = options.errors;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** A resource that does not exist in the caller's org (never reveals whether it exists elsewhere). */
export function notFound(kind: string, id: string): FlowyteError {
  return new FlowyteError('not_found', `${kind} ${id} was not found`);
}

const PROBLEM_BASE = 'https://docs.flowyte.com/errors/';

/** Turn any thrown value into an RFC 9457 problem. Unknown errors never leak their message. */
export function toProblem(error: unknown, instance?: string): Problem {
  const known = error instanceof FlowyteError ? error : null;
  const code: ErrorCode = known?.code ?? 'internal_error';
  const kind = ERROR_CODES[code];
  const problem: Problem = {
    type: PROBLEM_BASE + code,
    title: kind.title,
    status: kind.status,
    detail: known?.message ?? 'An unexpected error occurred; it has been logged.',
    code,
  };
  if (instance) problem.instance = instance;
  if (known?.errors?.length) problem.errors = known.errors;
  for (const [name, value] of Object.entries(known?.extensions ?? {})) if (!(name in problem)) problem[name] = value;
  return problem;
}
