/** Publishable keys: browser-safe keys for the chat widget, pinned to an agent and origins. */
import { z } from 'zod';
import { defineTool, deletedOutput, idField, pageInput, pageOf, paginate } from './define.ts';
import { notFound } from '../errors.ts';
import { loadAgent } from './agents/present.ts';
import type { PublishableKey } from '../store/publishable-keys.ts';
import type { ToolContext } from './types.ts';

const agentId = idField('The agent id (agt_…).');
const keyId = idField('The publishable key id (pk_…).');

/** An origin exactly as browsers send it: scheme, host and optional port, no path. */
const origin = z
  .string()
  .max(300)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, 'must be an origin such as https://www.example.com (scheme + host [+ port], no path)')
  .describe('An origin allowed to use the key, e.g. https://www.example.com.');

const settings = {
  name: z.string().min(1).max(120).describe('Label, e.g. "Marketing site".'),
  allowedOrigins: z.array(origin).min(1).max(50).describe('Exact origins (scheme + host + port) the key works from.'),
  rateLimitRpm: z.number().int().min(1).max(100_000).nullable().describe('Requests per minute this key may make; null for the default.'),
  requireIdentityVerification: z.boolean().describe('Require a signed visitor token before a widget session opens.'),
};

export const keySchema = z.object({
  id: z.string().describe('Key id (pk_…).'),
  agentId: z.string().describe('The agent the key is pinned to.'),
  name: z.string().describe('Label.'),
  env: z.enum(['live', 'test']).describe('live or test.'),
  keyPublic: z.string().describe('The key value (flowyte_pk_…); browser-safe, so always shown.'),
  allowedOrigins: z.array(z.string()).describe('Origins the key works from.'),
  rateLimitRpm: z.number().int().nullable().describe('Requests per minute, or null for the default.'),
  requireIdentityVerification: z.boolean().describe('Whether widget sessions need a signed visitor token.'),
  previousValidUntil: z.string().nullable().describe('Until when the value before the last rotation still works.'),
  createdAt: z.string().describe('When it was created.'),
  updatedAt: z.string().describe('When it last changed.'),
});

function presentKey(key: PublishableKey): z.input<typeof keySchema> {
  const { orgId: _org, revokedAt: _revoked, ...shown } = key;
  return shown;
}

function loadKey(context: ToolContext, agent: string, id: string): PublishableKey {
  const key = context.services.publishableKeys.find(context.org.id, agent, id);
  if (!key) throw notFound('publishable key', id);
  return key;
}

export const listPublishableKeys = defineTool({
  name: 'list_publishable_keys',
  title: 'List publishable keys',
  description: 'Lists the agent\'s publishable keys (not revoked), newest first.',
  http: { method: 'GET', path: '/agents/{agentId}/publishable-keys' },
  scope: 'pubkeys:read',
  toolset: 'widget',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId, ...pageInput }),
  output: pageOf(keySchema),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return paginate(context, input, (page) => context.services.publishableKeys.list(context.org.id, agent.id, page), presentKey);
  },
});

export const createPublishableKey = defineTool({
  name: 'create_publishable_key',
  title: 'Create a publishable key',
  description:
    'Mints a browser-safe key for the chat widget, pinned to this agent and usable only from the listed origins and only for public chat. Its value can be read again later.',
  http: { method: 'POST', path: '/agents/{agentId}/publishable-keys', successStatus: 201 },
  scope: 'pubkeys:write',
  toolset: 'widget',
  input: z.object({
    agentId,
    name: settings.name,
    allowedOrigins: settings.allowedOrigins,
    env: z.enum(['live', 'test']).default('live').describe('live or test.'),
    rateLimitRpm: settings.rateLimitRpm.default(null),
    requireIdentityVerification: settings.requireIdentityVerification.default(false),
  }),
  output: keySchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return presentKey(
      context.services.publishableKeys.create(context.org.id, agent.id, input.env, {
        name: input.name,
        allowedOrigins: input.allowedOrigins,
        rateLimitRpm: input.rateLimitRpm,
        requireIdentityVerification: input.requireIdentityVerification,
      }),
    );
  },
});

export const updatePublishableKey = defineTool({
  name: 'update_publishable_key',
  title: 'Update a publishable key',
  description: 'Changes a key\'s label, allowed origins, rate limit or identity requirement. The value stays the same.',
  http: { method: 'PATCH', path: '/agents/{agentId}/publishable-keys/{id}' },
  scope: 'pubkeys:write',
  toolset: 'widget',
  flags: { idempotent: true },
  input: z.object({
    agentId,
    id: keyId,
    name: settings.name.optional(),
    allowedOrigins: settings.allowedOrigins.optional(),
    rateLimitRpm: settings.rateLimitRpm.optional(),
    requireIdentityVerification: settings.requireIdentityVerification.optional(),
  }),
  output: keySchema,
  execute: async (input, context) => {
    const key = loadKey(context, loadAgent(context, input.agentId).id, input.id);
    const { agentId: _agent, id: _id, ...changes } = input;
    context.services.publishableKeys.update(key.id, changes);
    return presentKey(loadKey(context, key.agentId, key.id));
  },
});

export const rotatePublishableKey = defineTool({
  name: 'rotate_publishable_key',
  title: 'Rotate a publishable key',
  description:
    'Issues a new value for the key, keeping its agent and origins. The old value keeps working for the grace window (an hour by default), so pages can switch without downtime.',
  http: { method: 'POST', path: '/agents/{agentId}/publishable-keys/{id}/rotate' },
  scope: 'pubkeys:write',
  toolset: 'widget',
  flags: { destructive: true },
  input: z.object({
    agentId,
    id: keyId,
    graceSeconds: z.number().int().min(0).max(7 * 86_400).default(3600).describe('How long the old value keeps working (0-7 days).'),
  }),
  output: keySchema,
  execute: async (input, context) => {
    const key = loadKey(context, loadAgent(context, input.agentId).id, input.id);
    context.services.publishableKeys.rotate(key, input.graceSeconds);
    return presentKey(loadKey(context, key.agentId, key.id));
  },
});

export const revokePublishableKey = defineTool({
  name: 'revoke_publishable_key',
  title: 'Revoke a publishable key',
  description: 'Stops a key at once, including its previous value in a rotation grace window. Widgets using it stop working.',
  http: { method: 'DELETE', path: '/agents/{agentId}/publishable-keys/{id}' },
  scope: 'pubkeys:write',
  toolset: 'widget',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, id: keyId }),
  output: deletedOutput('key'),
  execute: async (input, context) => {
    const key = loadKey(context, loadAgent(context, input.agentId).id, input.id);
    context.services.publishableKeys.revoke(key.id);
    return { id: key.id, deleted: true as const };
  },
});
