/**
 * The widget's side of chat: a browser with a publishable key opens an anonymous session pinned
 * to the key's agent and talks in it. When the key requires identity verification, the site's
 * server first mints a signed visitor token with its secret key.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { signToken, verifyToken } from '../../auth/signed-token.ts';
import { loadAgent } from '../agents/present.ts';
import { chatTurn, contentField, loadSession, messagePage, messageSchema, streamField, turnOutputSchema } from './present.ts';
import type { ToolContext } from '../types.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import type { PublishableKey } from '../../store/publishable-keys.ts';
import type { ConversationEngine } from '../../runtime/engine/conversations.ts';

const VISITOR_TOKEN = 'visitor';
const sessionId = idField('The widget session id (conv_…).');

/** A widget session of the key's own agent; anything else is a 404 to a visitor. */
function widgetSession(context: ToolContext, id: string): ConversationRecord {
  return loadSession(context, id, (conversation) => conversation.surface === 'widget' && conversation.agentId === context.actor.agentId);
}

/**
 * Open the key's agent for a visitor. When it cannot start (an empty prepaid wallet, no published
 * version, a deleted agent…) the visitor only learns that chat is unavailable, so the owner is
 * told here instead: a log line and a `widget.unavailable` event (webhooks), then the problem is
 * rethrown unchanged for the API contract.
 */
function startForVisitor(context: ToolContext, key: PublishableKey, visitorId: string): ReturnType<ConversationEngine['start']> {
  const { services } = context;
  try {
    const served = services.engine.serve(context.org.id, key.agentId, false);
    return services.engine.start(served, { channel: 'chat', surface: 'widget', visitorId, publishableKeyId: key.id, greet: true });
  } catch (error) {
    const known = error instanceof FlowyteError;
    const report = { agentId: key.agentId, publishableKeyId: key.id, code: known ? error.code : 'internal_error' };
    const detail = error instanceof Error ? error.message : String(error);
    services.logger.info('widget chat unavailable: a visitor could not start a session', { orgId: context.org.id, ...report, detail });
    // An internal failure's message stays in the server log.
    services.events.record(context.org.id, 'widget.unavailable', { ...report, detail: known ? detail : 'an internal error: see the server log' });
    throw error;
  }
}

export const createVisitorToken = defineTool({
  name: 'create_visitor_token',
  title: 'Mint a signed visitor token',
  description:
    'For keys that require identity verification: your server mints a short-lived token naming the logged-in visitor, and the page passes it to the widget, which presents it when it opens a session.',
  http: { method: 'POST', path: '/agents/{agentId}/publishable-keys/{id}/visitor-tokens', successStatus: 201 },
  scope: 'pubkeys:write',
  toolset: 'widget',
  input: z.object({
    agentId: idField('The agent id (agt_…).'),
    id: idField('The publishable key id (pk_…).'),
    visitorId: z.string().trim().min(1).max(128).describe('Your id for the visitor (shown on their conversations).'),
    ttlSeconds: z.number().int().min(60).max(86_400).default(3600).describe('How long the token stays valid.'),
  }),
  output: z.object({
    visitorToken: z.string().describe('Pass it to the widget (data-flowyte-visitor-token).'),
    visitorId: z.string().describe('The visitor it names.'),
    expiresAt: z.string().describe('When it stops working.'),
  }),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const key = context.services.publishableKeys.find(context.org.id, agent.id, input.id);
    if (!key || key.revokedAt) throw notFound('publishable key', input.id);
    const exp = Math.floor(context.services.now().getTime() / 1000) + input.ttlSeconds;
    const visitorToken = signToken(context.services.tokenSecret, { purpose: VISITOR_TOKEN, exp, key: key.id, visitor: input.visitorId });
    return { visitorToken, visitorId: input.visitorId, expiresAt: new Date(exp * 1000).toISOString() };
  },
});

export const createWidgetSession = defineTool({
  name: 'create_widget_session',
  title: 'Start a widget chat session',
  description:
    'Opens an anonymous chat session for a site visitor, pinned to the publishable key\'s agent and its live version. Needs a signed visitor token when the key requires identity verification.',
  http: { method: 'POST', path: '/chat/widget/sessions', successStatus: 201 },
  auth: 'publishable',
  scope: 'chat:public',
  toolset: 'widget',
  input: z.object({
    visitorToken: z.string().max(2048).optional().describe('The signed token your server minted for this visitor.'),
  }),
  output: z.object({
    sessionId: z.string().describe('The session to send messages to.'),
    agentId: z.string().describe('The agent answering.'),
    visitorId: z.string().describe('Who the visitor is: yours when verified, otherwise an anonymous id.'),
    verified: z.boolean().describe('Whether the visitor presented a valid token.'),
    greeting: z.string().nullable().describe('The agent\'s opening message.'),
    messagesPath: z.string().describe('Where to send messages, relative to the API base.'),
    createdAt: z.string().describe('When it started.'),
  }),
  execute: async (input, context) => {
    const { services, actor } = context;
    const key = services.publishableKeys.find(context.org.id, actor.agentId ?? '', actor.id);
    if (!key) throw notFound('publishable key', actor.id);
    const claims = input.visitorToken ? verifyToken(services.tokenSecret, input.visitorToken, VISITOR_TOKEN, services.now()) : null;
    if (input.visitorToken && (!claims || claims.key !== key.id)) {
      throw new FlowyteError('identity_verification_failed', 'the visitor token is not valid for this key (expired, altered or minted for another key)');
    }
    if (key.requireIdentityVerification && !claims) {
      throw new FlowyteError('identity_verification_failed', 'this key requires a signed visitor token: mint one with create_visitor_token on your server');
    }
    const visitorId = claims ? String(claims.visitor) : `anon_${randomBytes(12).toString('base64url')}`;
    const { conversation, greeting } = startForVisitor(context, key, visitorId);
    return {
      sessionId: conversation.id,
      agentId: conversation.agentId,
      visitorId,
      verified: claims !== null,
      greeting: greeting?.content ?? null,
      messagesPath: `/chat/widget/sessions/${conversation.id}/messages`,
      createdAt: conversation.startedAt,
    };
  },
});

export const sendWidgetMessage = defineTool({
  name: 'send_widget_message',
  title: 'Send a widget chat message',
  description: 'The visitor\'s message in a widget session, and the agent\'s reply; with stream: true as server-sent events.',
  http: { method: 'POST', path: '/chat/widget/sessions/{sessionId}/messages', sse: 'requested' },
  auth: 'publishable',
  scope: 'chat:public',
  toolset: 'widget',
  flags: { streaming: true, openWorld: true },
  input: z.object({ sessionId, content: contentField, stream: streamField }),
  output: turnOutputSchema,
  untrusted: ['messages[].content'],
  execute: async (input, context) => chatTurn(context, widgetSession(context, input.sessionId), input.content, 'visitor'),
});

export const listWidgetMessages = defineTool({
  name: 'list_widget_messages',
  title: 'List widget chat messages',
  description: 'The widget session\'s transcript, oldest first, so the widget can restore it after a reload.',
  http: { method: 'GET', path: '/chat/widget/sessions/{sessionId}/messages' },
  auth: 'publishable',
  scope: 'chat:public',
  toolset: 'widget',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ sessionId, ...pageInput }),
  output: pageOf(messageSchema, 'oldest first'),
  untrusted: ['content'],
  execute: async (input, context) => messagePage(context, widgetSession(context, input.sessionId), input),
});
