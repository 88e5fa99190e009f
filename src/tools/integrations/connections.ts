/** The integration catalog, the org's connections, connecting and disconnecting. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { notFound } from '../../errors.ts';
import { PROVIDERS } from '../../runtime/integrations/providers.ts';
import { connect, kindField, providerOf } from '../../runtime/integrations/connections.ts';

const TOOLSET = 'integrations';

export const listIntegrationCatalog = defineTool({
  name: 'list_integration_catalog',
  title: 'List the integration catalog',
  description:
    'Every provider this deployment can connect, with its category, a short description, a logo slug, how it connects (oauth, api_key, credentials), how many ready-made actions it offers, whether it ships a Connector Pack, and whether your org has connected it (and as which account). A provider with actionCount 0 and hasPack true is used through its pack or bindings.',
  http: { method: 'GET', path: '/integrations/catalog' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({
    items: z
      .array(
        z.object({
          kind: z.string().describe('The id to connect with.'),
          name: z.string().describe('Display name.'),
          category: z.string().describe('calendar, spreadsheet, commerce, database, field_service, …'),
          description: z.string().describe('What connecting it lets an agent do.'),
          logo: z.string().describe('A logo slug.'),
          auth: z.enum(['oauth', 'api_key', 'credentials']).describe('How it connects: a browser consent, an API key, or database credentials.'),
          actionCount: z.number().int().describe('Ready-made actions that provision as skills.'),
          hasPack: z.boolean().describe('Whether it ships a Connector Pack of preset skills.'),
          discoverable: z.boolean().describe('Whether its schema can be discovered and mapped with bindings.'),
          connected: z.boolean().describe('Whether your org has connected it.'),
          accountLabel: z.string().nullable().describe('The connected account, when connected and known.'),
        }),
      )
      .describe('Every provider, by name.'),
  }),
  execute: async (_input, context) => {
    const connections = new Map(context.services.integrations.list(context.org.id).map((connection) => [connection.kind, connection]));
    const items = [...PROVIDERS.values()]
      .map((provider) => ({
        kind: provider.kind,
        name: provider.name,
        category: provider.category,
        description: provider.description,
        logo: provider.logo,
        auth: provider.auth,
        actionCount: provider.actions.length,
        hasPack: provider.pack !== undefined,
        discoverable: provider.discover !== undefined,
        connected: connections.has(provider.kind),
        accountLabel: connections.get(provider.kind)?.accountLabel ?? null,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { items };
  },
});

export const listIntegrations = defineTool({
  name: 'list_integrations',
  title: 'List connected integrations',
  description: "Your org's connected providers: status and account only. Credentials are never returned.",
  http: { method: 'GET', path: '/integrations' },
  scope: 'integrations:read',
  toolset: TOOLSET,
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({}),
  output: z.object({
    items: z
      .array(
        z.object({
          kind: z.string().describe('The provider.'),
          name: z.string().describe('Its display name.'),
          status: z.literal('connected').describe('Always connected: only connections are listed.'),
          accountLabel: z.string().nullable().describe('The account connected (a shop, an email, a database), when known.'),
          connectedAt: z.string().describe('When it was first connected.'),
          updatedAt: z.string().describe('When it was last (re)connected.'),
          discoveredAt: z.string().nullable().describe('When its schema was last discovered; null when never.'),
        }),
      )
      .describe('Connected providers, by kind.'),
  }),
  execute: async (_input, context) => {
    const { integrations } = context.services;
    const items = integrations
      .list(context.org.id)
      .filter((connection) => PROVIDERS.has(connection.kind))
      .map((connection) => ({
        kind: connection.kind,
        name: providerOf(connection.kind).name,
        status: 'connected' as const,
        accountLabel: connection.accountLabel,
        connectedAt: connection.connectedAt,
        updatedAt: connection.updatedAt,
        discoveredAt: integrations.schema(context.org.id, connection.kind)?.discoveredAt ?? null,
      }));
    return { items };
  },
});

export const connectIntegration = defineTool({
  name: 'connect_integration',
  title: 'Connect an integration',
  description:
    "Connects a provider for your org. API-key and database providers take `credentials` (checked with the provider, sealed at rest, never returned) and answer status connected. OAuth providers answer status pending with an oauthUrl: open it in a browser to approve, and the connection completes on the callback (the link works once, for 15 minutes). 400 integration_unavailable when this deployment has no OAuth app for the provider. Connecting again replaces the credentials.",
  http: { method: 'POST', path: '/integrations/{kind}/connect' },
  scope: 'integrations:write',
  toolset: TOOLSET,
  flags: { openWorld: true },
  input: z.object({
    kind: kindField,
    credentials: z
      .record(z.string().max(100), z.unknown())
      .optional()
      .describe('For API-key and database providers: the credential fields the provider takes (see docs/integrations.md). Omit for OAuth providers.'),
  }),
  output: z.object({
    kind: z.string().describe('The provider.'),
    status: z.enum(['connected', 'pending']).describe('connected, or pending until the browser consent completes.'),
    accountLabel: z.string().nullable().optional().describe('The account connected, when known.'),
    oauthUrl: z.string().optional().describe('OAuth only: the consent page to open in a browser.'),
  }),
  execute: async (input, context) => ({ kind: input.kind, ...(await connect(context.services, context.org.id, input.kind, input.credentials)) }),
});

export const disconnectIntegration = defineTool({
  name: 'disconnect_integration',
  title: 'Disconnect an integration',
  description:
    "Disconnects a provider: its stored credentials and discovered schema are deleted (its data scoping is kept for a reconnection). Skills made from it stay on agents but cannot run until it is connected again. 404 when it is not connected.",
  http: { method: 'DELETE', path: '/integrations/{kind}' },
  scope: 'integrations:write',
  toolset: TOOLSET,
  flags: { destructive: true, idempotent: false },
  input: z.object({ kind: kindField }),
  output: z.object({ kind: z.string().describe('The provider.'), status: z.literal('disconnected').describe('Always disconnected.') }),
  execute: async (input, context) => {
    providerOf(input.kind);
    if (!context.services.integrations.disconnect(context.org.id, input.kind)) throw notFound('integration connection', input.kind);
    return { kind: input.kind, status: 'disconnected' as const };
  },
});
