/**
 * Dashboard sessions: list the org's, mint one for the calling user, renew (same token, later
 * expiry), revoke at once. An expired session cannot be renewed: it is over for good. Revoked
 * sessions are gone from every view (not listed, 404 afterwards).
 */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { DEFAULT_SESSION_DAYS, type Session } from '../../store/sessions.ts';
import type { ToolContext } from '../types.ts';
import { credentialStatus, revokedOutput } from './present.ts';

const sessionId = idField('The dashboard session id (sess_…).');
const expiresInDays = z
  .number()
  .int()
  .min(1)
  .max(365)
  .default(DEFAULT_SESSION_DAYS)
  .describe(`Days from now until the session expires (1-365, default ${DEFAULT_SESSION_DAYS}).`);

export const sessionSchema = z.object({
  id: z.string().describe('Session id (sess_…).'),
  userId: z.string().describe('The user the session signs in.'),
  createdAt: z.string().describe('When it was minted.'),
  expiresAt: z.string().describe('When it stops working.'),
  lastUsedAt: z.string().nullable().describe('Last time it authenticated a request (to the minute); null: never.'),
  current: z.boolean().describe('Whether this is the session making this request.'),
  status: z.enum(['active', 'expired']).describe('active, or expired (it no longer authenticates and cannot be renewed).'),
});

function presentSession(session: Session, context: ToolContext, now: Date): z.input<typeof sessionSchema> {
  return {
    id: session.id,
    userId: session.userId,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    lastUsedAt: session.lastUsedAt,
    current: session.id === context.actor.sessionId,
    status: credentialStatus(session.expiresAt, now),
  };
}

function loadSession(context: ToolContext, id: string): Session {
  const session = context.services.credentials.sessions.find(context.org.id, id);
  if (!session) throw notFound('session', id);
  return session;
}

export const listSessions = defineTool({
  name: 'list_sessions',
  title: 'List dashboard sessions',
  description:
    'Lists the organization\'s dashboard sessions (every user\'s), active and expired (revoked ones are gone), newest first. Never returns a token. Dashboard only.',
  http: { method: 'GET', path: '/sessions' },
  auth: 'session',
  toolset: 'account',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ ...pageInput }),
  output: pageOf(sessionSchema),
  execute: async (input, context) => {
    const now = context.services.now();
    return paginate(
      context,
      input,
      (page) => context.services.credentials.sessions.list(context.org.id, page),
      (session) => presentSession(session, context, now),
    );
  },
});

export const createSession = defineTool({
  name: 'create_session',
  title: 'Create a dashboard session',
  description:
    'Mints a new dashboard session for the calling user, e.g. for another browser or before the current one expires. The token is in this response only. Dashboard only.',
  http: { method: 'POST', path: '/sessions', successStatus: 201 },
  auth: 'session',
  toolset: 'account',
  input: z.object({ expiresInDays }),
  output: sessionSchema.extend({
    token: z.string().describe('The session token (flowyte_sess_…). Shown this once: it cannot be read again.'),
  }),
  execute: async (input, context) => {
    const { session, token } = context.services.credentials.sessions.create(context.org.id, context.actor.id, input.expiresInDays);
    return { ...presentSession(session, context, context.services.now()), token };
  },
});

export const renewSession = defineTool({
  name: 'renew_session',
  title: 'Renew a dashboard session',
  description:
    'Moves a session\'s expiry to the given number of days from now; the same token keeps working. An expired session cannot be renewed (409): create a new one. Dashboard only.',
  http: { method: 'POST', path: '/sessions/{id}/renew' },
  auth: 'session',
  toolset: 'account',
  input: z.object({ id: sessionId, expiresInDays }),
  output: sessionSchema,
  execute: async (input, context) => {
    const now = context.services.now();
    const session = loadSession(context, input.id);
    if (credentialStatus(session.expiresAt, now) === 'expired') {
      throw new FlowyteError('credential_expired', `session ${session.id} has expired; create a new session instead`);
    }
    return presentSession(context.services.credentials.sessions.renew(session, input.expiresInDays), context, now);
  },
});

export const revokeSession = defineTool({
  name: 'revoke_session',
  title: 'Revoke a dashboard session',
  description:
    'Signs a session out at once; revoking the session making the request is allowed. A revoked session is gone: revoking it again is 404. Dashboard only.',
  http: { method: 'DELETE', path: '/sessions/{id}' },
  auth: 'session',
  toolset: 'account',
  // Idempotent in MCP's sense: a repeat changes nothing more (it answers 404).
  flags: { destructive: true, idempotent: true },
  input: z.object({ id: sessionId }),
  output: revokedOutput('session'),
  execute: async (input, context) => {
    const session = loadSession(context, input.id);
    return { id: session.id, revoked: true as const, revokedAt: context.services.credentials.sessions.revoke(session) };
  },
});
