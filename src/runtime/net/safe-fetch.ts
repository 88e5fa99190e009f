/** The one outbound HTTP client: SSRF-guarded (DESIGN §4), pinned to vetted addresses, capped in size and time. */
import http from 'node:http';
import { FlowyteError } from '../../errors.ts';
import { parseIp } from './address-policy.ts';
import { assertUrlShape, checkHost, checkHostName, lookupHost, type DestinationPolicy } from './destination.ts';
import { dialVetted, type Dial, type VettedAddress } from './pinned-connection.ts';

export interface SafeFetchOptions extends DestinationPolicy {
  /** Body cap in bytes; a larger response aborts with `fetch_failed`. */
  maxBytes: number;
  /** Budget for the whole request, DNS and redirects included. */
  timeoutMs: number;
  /** Redirect hops followed before giving up; default 5. */
  maxRedirects?: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

export interface SafeResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  contentType: string | null;
  body: Buffer;
}

const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** Fetches a URL with every hop's resolved addresses range-checked before connecting. */
export async function safeFetch(url: string, options: SafeFetchOptions): Promise<SafeResponse> {
  return safeFetchWithDialer(url, options, dialVetted);
}

/**
 * `safeFetch` with the final socket opener swapped. A test seam only: vetting is identical, and
 * the dialer is handed nothing but vetted addresses (tests map a fake public one onto loopback).
 */
export async function safeFetchWithDialer(url: string, options: SafeFetchOptions, dial: Dial): Promise<SafeResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const failure = () => abortFailure(deadline, options.timeoutMs, signal);
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  let current = assertUrlShape(url);
  let request: HopRequest = { method: (options.method ?? 'GET').toUpperCase(), headers: lowerCaseKeys(options.headers), body: options.body };

  for (let redirects = 0; ; redirects++) {
    const addresses = await untilAborted(vetHost(current, options), signal, failure);
    const response = await exchange(current, request, addresses, dial, signal, failure);
    const location = response.headers.location;
    if (!REDIRECT_STATUSES.has(response.statusCode ?? 0) || !location) {
      return {
        url: current.href,
        status: response.statusCode ?? 0,
        headers: flattenHeaders(response.headers),
        contentType: response.headers['content-type'] ?? null,
        body: await readCapped(response, options.maxBytes, signal, failure),
      };
    }
    response.destroy();
    if (redirects >= maxRedirects) throw new FlowyteError('fetch_failed', `Stopped after ${maxRedirects} redirects`);
    const next = redirectTarget(current, location);
    request = redirectedRequest(request, response.statusCode ?? 0, current.origin !== next.origin);
    current = next;
  }
}

interface HopRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

function redirectTarget(current: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new FlowyteError('fetch_failed', `${current.hostname} redirected to an invalid location`);
  }
  try {
    return assertUrlShape(next.href);
  } catch (error) {
    if (!(error instanceof FlowyteError)) throw error;
    throw new FlowyteError('url_not_allowed', `Redirect from ${current.hostname} refused: ${error.message}`, { cause: error });
  }
}

/** Fetch-spec redirect rules: 303 (and POST on 301/302) become GET without a body; credentials stay on their origin. */
function redirectedRequest(request: HopRequest, status: number, crossOrigin: boolean): HopRequest {
  const headers = { ...request.headers };
  const toGet = (status === 303 && request.method !== 'HEAD') || ((status === 301 || status === 302) && request.method === 'POST');
  if (toGet) for (const name of BODY_HEADERS) delete headers[name];
  if (crossOrigin) for (const name of CREDENTIAL_HEADERS) delete headers[name];
  return toGet ? { method: 'GET', headers } : { ...request, headers };
}

/** Resolves the URL's host and refuses it if any address is outside public unicast (unless opted out), or metadata. */
async function vetHost(url: URL, options: SafeFetchOptions): Promise<VettedAddress[]> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  checkHostName(hostname);
  let answers: string[];
  try {
    answers = await lookupHost(hostname, options.resolve);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FlowyteError('fetch_failed', `Could not resolve ${hostname} (${reason})`, { cause: error });
  }
  checkHost(hostname, answers, options.allowPrivateNetwork);
  const vetted: VettedAddress[] = [];
  for (const answer of answers) {
    const address = parseIp(answer);
    if (!address) throw new FlowyteError('fetch_failed', `${hostname} resolved to an invalid address`);
    // Connect to the address exactly as it was classified.
    vetted.push({ address: address.toString(), family: address.kind() === 'ipv6' ? 6 : 4 });
  }
  if (vetted.length === 0) throw new FlowyteError('fetch_failed', `${hostname} did not resolve to any address`);
  return vetted;
}

/** Sends one request over a pinned connection and resolves with the response head. */
function exchange(url: URL, request: HopRequest, addresses: VettedAddress[], dial: Dial, signal: AbortSignal, failure: () => FlowyteError) {
  const hostname = parseIp(url.hostname) ? addresses[0].address : url.hostname;
  const tls = url.protocol === 'https:';
  const port = Number(url.port) || (tls ? 443 : 80);
  const headers: Record<string, string> = { ...request.headers, host: url.host };
  if (request.body !== undefined && headers['content-length'] === undefined) {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    if (signal.aborted) return reject(failure());
    const outgoing = http.request({
      method: request.method,
      path: url.pathname + url.search,
      headers,
      setHost: false,
      createConnection: () => dial({ hostname, port, tls, addresses }),
    });
    const onAbort = () => {
      outgoing.destroy();
      reject(failure());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.once('response', (response) => {
      signal.removeEventListener('abort', onAbort);
      resolve(response);
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      const reason = error.code ?? error.message;
      reject(new FlowyteError('fetch_failed', `Request to ${url.hostname} failed (${reason})`, { cause: error }));
    });
    outgoing.end(request.body);
  });
}

/** Reads a body, aborting as soon as it (or its declared Content-Length) exceeds the cap. */
function readCapped(response: http.IncomingMessage, maxBytes: number, signal: AbortSignal, failure: () => FlowyteError): Promise<Buffer> {
  const tooLarge = () => new FlowyteError('fetch_failed', `The response is larger than ${maxBytes} bytes`);
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const settle = (error: FlowyteError) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      response.destroy();
      reject(error);
    };
    const onAbort = () => settle(failure());
    if (signal.aborted) return onAbort();
    if (Number(response.headers['content-length']) > maxBytes) return settle(tooLarge());
    signal.addEventListener('abort', onAbort, { once: true });
    const chunks: Buffer[] = [];
    let received = 0;
    response.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > maxBytes) settle(tooLarge());
      else chunks.push(chunk);
    });
    response.once('end', () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    response.on('error', (error) => {
      settle(new FlowyteError('fetch_failed', `Reading the response failed (${error.message})`, { cause: error }));
    });
  });
}

/** Races a step against the abort signal (DNS lookups cannot be cancelled). */
async function untilAborted<T>(step: Promise<T>, signal: AbortSignal, failure: () => FlowyteError): Promise<T> {
  if (signal.aborted) throw failure();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(failure());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([step, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function abortFailure(deadline: AbortSignal, timeoutMs: number, signal: AbortSignal): FlowyteError {
  if (deadline.aborted) return new FlowyteError('fetch_failed', `The request timed out after ${timeoutMs} ms`);
  return new FlowyteError('fetch_failed', 'The request was aborted', { cause: signal.reason });
}

function lowerCaseKeys(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
