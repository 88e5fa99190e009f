/**
 * Where an outbound request may go, decided from a URL's host: the check every fetch makes on
 * every hop, and the same check when a URL is saved (a skill, a knowledge source, a webhook
 * endpoint), so that a private or metadata URL is refused when it is entered, not only later.
 */
import dns from 'node:dns';
import { FlowyteError } from '../../errors.ts';
import { destinationRefusal, loopbackNameRefusal, metadataHostRefusal, parseIp } from './address-policy.ts';

export interface DestinationPolicy {
  /** FLOWYTE_ALLOW_PRIVATE_NETWORK: private and loopback allowed (cloud metadata never is). */
  allowPrivateNetwork: boolean;
  /** Replaces DNS resolution (default `dns.promises.lookup(host, { all: true })`); its answers are still range-checked. */
  resolve?: (hostname: string) => Promise<string[]>;
}

/** Synchronous shape check for user input: http(s) only, a host, no credentials. */
export function assertUrlShape(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FlowyteError('url_not_allowed', 'The URL is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FlowyteError('url_not_allowed', `Only http and https URLs are allowed, not ${parsed.protocol}`);
  }
  if (parsed.username || parsed.password) {
    throw new FlowyteError('url_not_allowed', 'URLs must not contain credentials');
  }
  if (!parsed.hostname) throw new FlowyteError('url_not_allowed', 'The URL has no host');
  return parsed;
}

/** The addresses a host name resolves to (a literal is its own answer); DNS errors are thrown as they come. */
export async function lookupHost(hostname: string, resolve: DestinationPolicy['resolve']): Promise<string[]> {
  if (parseIp(hostname)) return [hostname];
  if (resolve) return resolve(hostname);
  const entries = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return entries.map((entry) => entry.address);
}

function refusal(hostname: string, reason: string): FlowyteError {
  const target = parseIp(hostname) ? '' : ` to ${hostname}`;
  return new FlowyteError('url_not_allowed', `Refused to connect${target}: ${reason}`);
}

/** Refuse a metadata service's host name before it is looked up (whatever the switch says); 422 url_not_allowed. */
export function checkHostName(hostname: string): void {
  const reason = metadataHostRefusal(hostname);
  if (reason) throw refusal(hostname, reason);
}

/** Refuse the host by any address it resolved to, or as a loopback name, the way the policy says; 422 url_not_allowed. */
export function checkHost(hostname: string, answers: string[], allowPrivateNetwork: boolean): void {
  for (const answer of answers) {
    const reason = parseIp(answer) ? destinationRefusal(answer, allowPrivateNetwork) : null;
    if (reason) throw refusal(hostname, reason);
  }
  // After the addresses, so a refusal names the address a name reached when it has one.
  const named = allowPrivateNetwork || parseIp(hostname) ? null : loopbackNameRefusal(hostname);
  if (named) throw refusal(hostname, named);
}

/** How long a save waits for DNS; a slower answer counts as not resolving. */
const SAVE_LOOKUP_MS = 5000;

function withinTime<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('lookup timed out')), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The save-time check of a URL: its shape, then its host name and resolved addresses under the
 * fetch path's policy. A name that does not resolve (yet) is accepted: that is not an SSRF
 * attempt, and the fetch checks again, on every hop, when it runs. `field` names the input field
 * in the problem's `errors[]`.
 */
export async function assertAllowedDestination(url: string, policy: DestinationPolicy, field?: string): Promise<URL> {
  const withField = (error: unknown) =>
    error instanceof FlowyteError && field ? new FlowyteError(error.code, `${field}: ${error.message}`, { errors: [{ field, message: error.message }] }) : error;
  try {
    const parsed = assertUrlShape(url);
    const hostname = parsed.hostname.replace(/^\[|\]$/g, '');
    checkHostName(hostname);
    const answers = await withinTime(lookupHost(hostname, policy.resolve), SAVE_LOOKUP_MS).catch(() => []);
    checkHost(hostname, answers, policy.allowPrivateNetwork);
    return parsed;
  } catch (error) {
    throw withField(error);
  }
}
