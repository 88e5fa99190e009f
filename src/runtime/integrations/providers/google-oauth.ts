/**
 * Google's OAuth 2.0 for web server apps, shared by Calendar and Sheets: the consent link
 * (offline access, so a refresh token comes back), the code exchange, the account's email from
 * the OpenID Connect userinfo endpoint, and API calls that refresh the access token when it has
 * expired (or when Google says it no longer accepts it).
 */
import type { Config } from '../../../config.ts';
import { FlowyteError } from '../../../errors.ts';
import type { ConnectionContext, OAuthSupport } from '../provider.ts';
import { fetchProvider, succeeded, type ProviderCall, type ProviderResponse } from '../provider-fetch.ts';

const GOOGLE_ENDPOINTS = {
  authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
  token: 'https://oauth2.googleapis.com/token',
  userinfo: 'https://openidconnect.googleapis.com/v1/userinfo',
  calendar: 'https://www.googleapis.com/calendar/v3',
  sheets: 'https://sheets.googleapis.com/v4',
};

/** A token this close to its expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 60_000;

/** Where each Google endpoint is: Google's own, or all under one origin (FLOWYTE_GOOGLE_API_BASE_URL). */
export function googleEndpoints(config: Pick<Config, 'googleApiBaseUrl'>): typeof GOOGLE_ENDPOINTS {
  if (!config.googleApiBaseUrl) return GOOGLE_ENDPOINTS;
  const base = config.googleApiBaseUrl.replace(/\/$/, '');
  return {
    authorize: `${base}/o/oauth2/v2/auth`,
    token: `${base}/token`,
    userinfo: `${base}/v1/userinfo`,
    calendar: `${base}/calendar/v3`,
    sheets: `${base}/v4`,
  };
}

/** What a Google connection stores (sealed). */
interface GoogleCredentials {
  access_token: string;
  refresh_token: string;
  /** ISO time the access token stops working. */
  expires_at: string;
  scope?: string;
}

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

const expiresAt = (now: Date, seconds: number | undefined) => new Date(now.getTime() + (seconds ?? 3600) * 1000).toISOString();

async function tokenRequest(config: Config, form: Record<string, string>, signal?: AbortSignal): Promise<{ status: number; answer: TokenAnswer }> {
  const response = await fetchProvider(config, 'Google', googleEndpoints(config).token, {
    form: { ...form, client_id: config.googleClientId ?? '', client_secret: config.googleClientSecret ?? '' },
    signal,
  });
  const answer = (response.body && typeof response.body === 'object' ? response.body : {}) as TokenAnswer;
  return { status: response.status, answer };
}

/** OAuth for a Google provider that needs `scopes` (the account's email is always asked for, to label the connection). */
export function googleOAuth(scopes: string[]): OAuthSupport {
  return {
    configured: (config) => Boolean(config.googleClientId && config.googleClientSecret),
    authorizeUrl(config, state, redirectUri) {
      const url = new URL(googleEndpoints(config).authorize);
      url.search = new URLSearchParams({
        client_id: config.googleClientId ?? '',
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: ['openid', 'email', ...scopes].join(' '),
        // offline + consent: Google sends a refresh token even to an account that granted access before.
        access_type: 'offline',
        prompt: 'consent',
        include_granted_scopes: 'true',
        state,
      }).toString();
      return url.href;
    },
    async exchange(config, code, redirectUri, now) {
      const { status, answer } = await tokenRequest(config, { grant_type: 'authorization_code', code, redirect_uri: redirectUri });
      if (status !== 200 || !answer.access_token) {
        throw new FlowyteError('integration_error', `Google did not accept the consent (${answer.error ?? status}): connect again`);
      }
      if (!answer.refresh_token) throw new FlowyteError('integration_error', 'Google sent no refresh token, so the connection could not outlive the hour: connect again');
      const credentials: GoogleCredentials = {
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        expires_at: expiresAt(now, answer.expires_in),
        scope: answer.scope,
      };
      const userinfo = await fetchProvider(config, 'Google', googleEndpoints(config).userinfo, { headers: { authorization: `Bearer ${answer.access_token}` } });
      const email = succeeded(userinfo) ? (userinfo.body as { email?: unknown }).email : undefined;
      return { credentials: { ...credentials }, accountLabel: typeof email === 'string' ? email : null };
    },
  };
}

/** Trade the refresh token for a new access token and keep it; a revoked grant means connecting again. */
async function refresh(context: ConnectionContext): Promise<GoogleCredentials> {
  const { config } = context.services;
  const current = context.credentials as unknown as GoogleCredentials;
  const { status, answer } = await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: current.refresh_token }, context.signal);
  if (status !== 200 || !answer.access_token) {
    throw new FlowyteError('integration_error', `Google no longer accepts this connection (${answer.error ?? status}): connect it again`);
  }
  const next: GoogleCredentials = {
    ...current,
    access_token: answer.access_token,
    // Google may rotate the refresh token; keep the one it sends.
    refresh_token: answer.refresh_token ?? current.refresh_token,
    expires_at: expiresAt(context.services.now(), answer.expires_in),
  };
  context.services.integrations.replaceCredentials(context.orgId, context.kind, { ...next });
  context.credentials = { ...next };
  return next;
}

/** A call to a Google API as the connected account, refreshing the access token first when it has expired, and once more on a 401. */
export async function googleApi(context: ConnectionContext, url: string, call: ProviderCall = {}): Promise<ProviderResponse> {
  const { config } = context.services;
  let credentials = context.credentials as unknown as GoogleCredentials;
  if (new Date(credentials.expires_at).getTime() - EXPIRY_MARGIN_MS <= context.services.now().getTime()) credentials = await refresh(context);
  const send = (token: string) => fetchProvider(config, 'Google', url, { ...call, signal: call.signal ?? context.signal, headers: { ...call.headers, authorization: `Bearer ${token}` } });
  const response = await send(credentials.access_token);
  return response.status === 401 ? send((await refresh(context)).access_token) : response;
}

/** Google's own words for a failed call ({ error: { message } }), for messages and logs. */
function googleErrorMessage(response: ProviderResponse): string {
  const error = (response.body as { error?: { message?: unknown } } | null)?.error;
  return typeof error?.message === 'string' ? `${error.message} (${response.status})` : `status ${response.status}`;
}

/** A failed Google call as a 502 integration_error. */
export function googleFailure(service: string, response: ProviderResponse): FlowyteError {
  return new FlowyteError('integration_error', `${service} answered: ${googleErrorMessage(response)}`);
}
