/** One JSON call to a provider's API, through the SSRF-guarded client: the status and the parsed body. */
import type { Config } from '../../config.ts';
import { FlowyteError } from '../../errors.ts';
import { safeFetch } from '../net/safe-fetch.ts';

/** Provider answers are small documents; a larger one is refused. */
const MAX_BYTES = 2 * 1024 * 1024;

export interface ProviderCall {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH';
  headers?: Record<string, string>;
  /** A JSON body. */
  json?: unknown;
  /** A form-encoded body (OAuth token endpoints). */
  form?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ProviderResponse {
  status: number;
  /** The parsed JSON body; the text when it is not JSON. */
  body: unknown;
}

/** Call `url`; an unreachable provider is a 502 integration_error naming it, any HTTP status is returned to the caller to read. */
export async function fetchProvider(
  config: Pick<Config, 'allowPrivateNetwork' | 'fetchTimeoutMs' | 'fetchMaxBytes'>,
  providerName: string,
  url: string,
  call: ProviderCall = {},
): Promise<ProviderResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(call.json);
  } else if (call.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(call.form).toString();
  }
  try {
    const response = await safeFetch(url, {
      method: call.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      timeoutMs: config.fetchTimeoutMs,
      maxBytes: Math.min(config.fetchMaxBytes, MAX_BYTES),
      allowPrivateNetwork: config.allowPrivateNetwork,
      maxRedirects: 0,
      signal: call.signal,
    });
    const text = response.body.toString('utf8');
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    } catch {
      return { status: response.status, body: text };
    }
  } catch (error) {
    const reason = error instanceof FlowyteError ? error.message : 'the request failed';
    throw new FlowyteError('integration_error', `${providerName} could not be reached: ${reason}`, { cause: error });
  }
}

/** Whether a status is a success. */
export const succeeded = (response: ProviderResponse) => response.status >= 200 && response.status < 300;
