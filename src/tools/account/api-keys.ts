/**
 * Secret keys, managed from the dashboard: list, mint (narrow scopes, optional expiry), rotate with
 * a grace window, revoke at once. Revoked keys are gone from every view: not listed, 404 afterwards.
 */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { SECRET_KEY_SCOPES, type Scope } from '../../auth/scopes.ts';
import type { ApiKey } from '../../store/api-keys.ts';
import type { ToolContext } from '../types.ts';
import { credentialStatus, revokedOutput } from './present.ts';

const keyId = idField('The secret key id (key_…).');
const scopeEnum = z.enum(SECRET_KEY_SCOPES as [Scope, ...Scope[]]);
const MAX_GRACE_SECONDS = 7 * 86_400;

export const keySchema = z.object({
  id: z.string().describe('Key id (key_…).'),
  name: z.string().describe('Label.'),
  scopes: z.array(scopeEnum).describe('What the key may do.'),
  lastFour: z.string().describe('The last four characters of the current secret, to tell keys apart (flowyte_sk_…abcd).'),
  createdAt: z.string().describe('When it was minted.'),
  expiresAt: z.string().nullable().describe('When it stops working; null: never.'),
  lastUsedAt: z.string().nullable().describe('Last time it authenticated a request (to the minute); null: never.'),
  previousExpiresAt: z.string()
    .nullable()
    .describe('Until when the secret before the last rotation still works; null unless that grace window is open.'),
  status: z.enum(['active', 'expired']).describe('active, or expired (past expiresAt; it no longer authenticates).'),
});

const withSecret = keySchema.extend({
  secret: z.string().describe('The secret (flowyte_sk_…). Shown this once: store it now, it cannot be read again.'),
});

function presentKey(key: ApiKey, now: Date): z.input<typeof keySchema> {
  const at = now.toISOString();
  return {
    id: key.id,
    name: key.name,
    scopes: key.scopes,
    lastFour: key.lastFour,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    previousExpiresAt: key.previousExpiresAt !== null && key.previousExpiresAt > at ? key.previousExpiresAt : null,
    status: credentialStatus(key.expiresAt, now),
  };
}

function loadKey(context: ToolContext, id: string): ApiKey {
  const key = context.services.credentials.apiKeys.find(context.org.id, id);
  if (!key) throw notFound('secret key', id);
  return key;
}

export const listApiKeys = defineTool({
  name: 'list_api_keys',
  title: 'List secret keys',
  description:
    'Lists the organization\'s secret keys, active and expired (revoked keys are gone), newest first. Never returns a secret. Dashboard only.',
  http: { method: 'GET', path: '/api-keys' },
  auth: 'session',
  toolset: 'account',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...pageInput }),
  output: pageOf(keySchema),
  execute: async (input, context) => {
    const now = context.services.now();
    return paginate(context, input, (page) => context.services.credentials.apiKeys.list(context.org.id, page), (key) => presentKey(key, now));
  },
});

export const createApiKey = defineTool({
  name: 'create_api_key',
  title: 'Create a secret key',
  description:
    'Mints a secret key holding only the scopes listed, optionally expiring. The secret is in this response only. Dashboard only.',
  http: { method: 'POST', path: '/api-keys', successStatus: 201 },
  auth: 'session',
  toolset: 'account',
  input: z.object({
    name: z.string().min(1).max(100).describe('Label, e.g. "CI deploys".'),
    scopes: z
      .array(scopeEnum)
      .min(1)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'must not list a scope twice')
      .describe('The scopes the key holds; a :write scope also grants the matching :read. Ask for only what the key needs.'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When the key stops working (ISO 8601 with a zone, in the future); omit for a key that never expires.'),
  }),
  output: withSecret,
  execute: async (input, context) => {
    const now = context.services.now();
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt).toISOString();
    // Checked here, not in the schema: "the future" is the server's clock.
    if (expiresAt !== null && expiresAt <= now.toISOString()) {
      throw new FlowyteError('validation_error', 'expiresAt must be in the future', {
        errors: [{ field: 'expiresAt', message: 'must be in the future' }],
      });
    }
    const { key, secret } = context.services.credentials.apiKeys.create(context.org.id, { name: input.name, scopes: input.scopes, expiresAt });
    return { ...presentKey(key, now), secret };
  },
});

export const rotateApiKey = defineTool({
  name: 'rotate_api_key',
  title: 'Rotate a secret key',
  description:
    'Issues a new secret for the key, keeping its name, scopes and expiry. The old secret keeps working for the grace window (a day by default; 0 stops it at once), so deployments can switch without downtime. Dashboard only.',
  http: { method: 'POST', path: '/api-keys/{id}/rotate' },
  auth: 'session',
  toolset: 'account',
  flags: { destructive: true },
  input: z.object({
    id: keyId,
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .default(86_400)
      .describe('How long the old secret keeps working (0-7 days, in seconds); 0 stops it at once.'),
  }),
  output: withSecret,
  execute: async (input, context) => {
    const now = context.services.now();
    const key = loadKey(context, input.id);
    if (credentialStatus(key.expiresAt, now) === 'expired') {
      throw new FlowyteError('credential_expired', `secret key ${key.id} has expired; create a new key instead`);
    }
    const rotated = context.services.credentials.apiKeys.rotate(key, input.graceSeconds);
    return { ...presentKey(rotated.key, now), secret: rotated.secret };
  },
});

export const revokeApiKey = defineTool({
  name: 'revoke_api_key',
  title: 'Revoke a secret key',
  description:
    'Stops a secret key at once, including its previous secret in a rotation grace window. A revoked key is gone: revoking it again is 404. Dashboard only.',
  http: { method: 'DELETE', path: '/api-keys/{id}' },
  auth: 'session',
  toolset: 'account',
  // Idempotent in MCP's sense: a repeat changes nothing more (it answers 404).
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: keyId }),
  output: revokedOutput('secret key'),
  execute: async (input, context) => {
    const key = loadKey(context, input.id);
    return { id: key.id, revoked: true as const, revokedAt: context.services.credentials.apiKeys.revoke(key) };
  },
});
