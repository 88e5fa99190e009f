/** Chat sessions over the secret-key API: durable conversations you create, message and end. */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf } from '../define.ts';
import {
  chatTurn, contentField, loadSession, messagePage, messageSchema, presentMessage, presentSession, sessionSchema, streamField, turnOutputSchema,
} from './present.ts';

const sessionId = idField('The chat session id (conv_…).');
/** Sessions made with a secret key (not the widget's, not a simulation's). */
const ownSession = (conversation: { surface: string }) => conversation.surface === 'session';

export const createChatSession = defineTool({
  name: 'create_chat_session',
  title: 'Create a chat session',
  description:
    'Starts a conversation with an agent. It serves the live (published) version, or the current draft with draftMode (for testing; never billed). Returns the session and the agent\'s greeting, if it has one.',
  http: { method: 'POST', path: '/chat/sessions', successStatus: 201 },
  scope: 'chat:write',
  toolset: 'chat',
  input: z.object({
    agentId: idField('The agent to talk to (agt_…).'),
    draftMode: z.boolean().default(false).describe('Talk to the current draft instead of the live version.'),
  }),
  output: sessionSchema.extend({ greeting: messageSchema.nullable().describe('The agent\'s opening message, if it has a greeting.') }),
  execute: async (input, context) => {
    const { engine } = context.services;
    const served = engine.serve(context.org.id, input.agentId, input.draftMode);
    const { conversation, greeting } = engine.start(served, { channel: 'chat', surface: 'session', greet: true });
    return { ...presentSession(conversation), greeting: greeting && presentMessage(greeting) };
  },
});

export const getChatSession = defineTool({
  name: 'get_chat_session',
  title: 'Get a chat session',
  description: 'Returns a chat session and its state (active or ended, message count, outcome).',
  http: { method: 'GET', path: '/chat/sessions/{sessionId}' },
  scope: 'chat:read',
  toolset: 'chat',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ sessionId }),
  output: sessionSchema,
  execute: async (input, context) => presentSession(loadSession(context, input.sessionId, ownSession)),
});

export const listChatMessages = defineTool({
  name: 'list_chat_messages',
  title: 'List chat messages',
  description: 'The session\'s transcript, oldest first, a page at a time.',
  http: { method: 'GET', path: '/chat/sessions/{sessionId}/messages' },
  scope: 'chat:read',
  toolset: 'chat',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ sessionId, ...pageInput }),
  output: pageOf(messageSchema, 'oldest first'),
  untrusted: ['content'],
  execute: async (input, context) => messagePage(context, loadSession(context, input.sessionId, ownSession), input),
});

export const sendChatMessage = defineTool({
  name: 'send_chat_message',
  title: 'Send a chat message',
  description:
    'Sends a message and returns the agent\'s reply with what it did (knowledge retrievals, tool calls). With stream: true the reply arrives as server-sent events: token deltas, tool calls and retrievals as they happen, then done (or error).',
  http: { method: 'POST', path: '/chat/sessions/{sessionId}/messages', sse: 'requested' },
  scope: 'chat:write',
  toolset: 'chat',
  flags: { streaming: true, openWorld: true },
  input: z.object({ sessionId, content: contentField, stream: streamField }),
  output: turnOutputSchema,
  untrusted: ['messages[].content'],
  execute: async (input, context) => chatTurn(context, loadSession(context, input.sessionId, ownSession), input.content),
});

export const endChatSession = defineTool({
  name: 'end_chat_session',
  title: 'End a chat session',
  description: 'Ends a session: it takes no more messages, and its outcome is settled. Ending an ended session changes nothing.',
  http: { method: 'POST', path: '/chat/sessions/{sessionId}/end' },
  scope: 'chat:write',
  toolset: 'chat',
  flags: { idempotent: true },
  input: z.object({ sessionId }),
  output: sessionSchema,
  execute: async (input, context) => {
    const conversation = loadSession(context, input.sessionId, ownSession);
    return presentSession(context.services.engine.end(conversation, 'ended_by_client'));
  },
});
