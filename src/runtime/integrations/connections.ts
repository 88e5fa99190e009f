/** Connecting providers: credentials checked and sealed, OAuth consent with single-use states, and the context a provider call runs in. */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { FlowyteError, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { fieldErrors } from '../../tools/invoke.ts';
import type { ConnectionContext, IntegrationProvider, ProviderServices } from './provider.ts';
import { PROVIDERS } from './providers.ts';

/** How long a consent link stays good. */
const OAUTH_STATE_MINUTES = 15;
export const OAUTH_CALLBACK_PATH = '/api/v1/integrations/oauth/callback';

export function providerOf(kind: string): IntegrationProvider {
  const provider = PROVIDERS.get(kind);
  if (!provider) throw notFound('integration', kind);
  return provider;
}

export const oauthRedirectUri = (services: Pick<Services, 'config'>) => `${services.config.publicBaseUrl.replace(/\/$/, '')}${OAUTH_CALLBACK_PATH}`;

export type ConnectResult = { status: 'connected'; accountLabel: string | null } | { status: 'pending'; oauthUrl: string };

/** Connect the org: API-key and credentials providers at once, OAuth ones through a consent link. */
export async function connect(services: Services, orgId: string, kind: string, credentials: Record<string, unknown> | undefined): Promise<ConnectResult> {
  const provider = providerOf(kind);
  if (provider.auth === 'oauth') {
    if (!provider.oauth?.configured(services.config)) {
      throw new FlowyteError('integration_unavailable', `${provider.name} needs this deployment's OAuth app: set its client id and secret (see docs/configuration.md), then connect again`);
    }
    const state = randomBytes(32).toString('base64url');
    services.integrations.createOAuthState(orgId, kind, state, new Date(services.now().getTime() + OAUTH_STATE_MINUTES * 60_000).toISOString());
    return { status: 'pending', oauthUrl: provider.oauth.authorizeUrl(services.config, state, oauthRedirectUri(services)) };
  }
  const parsed = provider.credentials!.safeParse(credentials ?? {});
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error).map((error) => ({ ...error, field: `credentials.${error.field}` }));
    throw new FlowyteError('validation_error', errors.map((error) => `${error.field} ${error.message}`).join('; '), { errors });
  }
  const context: ConnectionContext = { orgId, kind, credentials: parsed.data as Record<string, unknown>, services };
  const verified = provider.verify ? await provider.verify(context) : { accountLabel: null };
  services.integrations.connect(orgId, kind, verified.credentials ?? context.credentials, verified.accountLabel);
  return { status: 'connected', accountLabel: verified.accountLabel };
}

/** Finish an OAuth consent: the state is used once, the code traded for credentials. */
export async function finishOAuth(services: Services, state: string, code: string): Promise<{ kind: string; accountLabel: string | null }> {
  const pending = services.integrations.consumeOAuthState(state);
  if (!pending) throw new FlowyteError('validation_error', 'this consent link has expired or was already used: connect again', { errors: [{ field: 'state', message: 'is unknown, used or expired' }] });
  const provider = providerOf(pending.kind);
  const granted = await provider.oauth!.exchange(services.config, code, oauthRedirectUri(services), services.now());
  services.integrations.connect(pending.orgId, pending.kind, granted.credentials, granted.accountLabel);
  return { kind: pending.kind, accountLabel: granted.accountLabel };
}

/** The org's connection to `kind`, ready for a provider call: 404 unknown provider, 409 integration_not_connected. */
export function connectionContext(services: ProviderServices, orgId: string, kind: string, signal?: AbortSignal): { provider: IntegrationProvider; context: ConnectionContext } {
  const provider = providerOf(kind);
  const credentials = services.integrations.credentials(orgId, kind);
  if (!credentials) throw new FlowyteError('integration_not_connected', `${provider.name} is not connected: POST /integrations/${kind}/connect first`);
  return { provider, context: { orgId, kind, credentials, services, signal } };
}

/** The path parameter naming a provider. */
export const kindField = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be a provider kind from the catalog, e.g. shopify')
  .describe('The provider kind, from GET /integrations/catalog (e.g. shopify, google_calendar, postgres).');
