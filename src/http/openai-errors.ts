/** OpenAI's error shape for the routes in OpenAI's wire format (`http.wire: 'openai'`). */
import type { Problem } from '../errors.ts';
import type { Tool } from '../tools/types.ts';

export interface OpenAIErrorObject {
  message: string;
  /** OpenAI's error category, read off the status. */
  type: 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'rate_limit_error' | 'server_error';
  /** Our stable problem code (unknown_model, validation_error, no_published_version, …). */
  code: string;
  /** The first offending input field, when there is one. */
  param: string | null;
}

function errorType(status: number): OpenAIErrorObject['type'] {
  if (status >= 500) return 'server_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return 'invalid_request_error';
}

/** OpenAI's error member for a problem, so OpenAI clients read our failures as their own. */
export function openaiError(problem: Problem): OpenAIErrorObject {
  return { message: problem.detail, type: errorType(problem.status), code: problem.code, param: problem.errors?.[0]?.field ?? null };
}

/**
 * Whether a request path belongs to an OpenAI-wire tool. Decided on the path alone, because a
 * failure can come before any route runs (a missing key is refused by the authenticator).
 */
export function openaiPathMatcher(tools: readonly Tool[]): (path: string) => boolean {
  const patterns = tools
    .filter((tool) => tool.http.wire === 'openai')
    .map((tool) => new RegExp(`^/api/v1${tool.http.path.replace(/\{\w+\}/g, '[^/]+')}/?$`));
  return (path) => patterns.some((pattern) => pattern.test(path));
}
