/** The public shapes of chat sessions and messages, and the turn every chat surface takes. */
import { z } from 'zod';
import type { ConversationRecord, MessageRecord } from '../../store/conversations.ts';
import type { ToolContext } from '../types.ts';
import { notFound } from '../../errors.ts';

export const sessionSchema = z.object({
  id: z.string().describe('Session id (conv_…); it is also the conversation id in observe.'),
  agentId: z.string().describe('The agent.'),
  versionId: z.string().nullable().describe('The published version it runs; null for a draft session.'),
  draftMode: z.boolean().describe('Whether it runs the draft (never billed).'),
  surface: z.enum(['session', 'widget', 'completions', 'simulate', 'talk', 'probe', 'phone']).describe('Where the conversation came from.'),
  status: z.enum(['active', 'ended']).describe('ended sessions take no more messages.'),
  outcome: z.string().nullable().describe('Set when it ends: answered, missed, contained, transferred or abandoned (rules: GET /conversations).'),
  messageCount: z.number().int().describe('Messages so far, greeting included.'),
  createdAt: z.string().describe('When it started.'),
  lastActivityAt: z.string().describe('Time of the last message or event.'),
  endedAt: z.string().nullable().describe('When it ended.'),
});

export const messageSchema = z.object({
  id: z.string().describe('Message id (msg_…).'),
  role: z.enum(['user', 'assistant']).describe('Who said it.'),
  content: z.string().describe('What was said.'),
  createdAt: z.string().describe('When.'),
});

export const receiptEventSchema = z.object({
  type: z.string().describe('user_utterance, agent_message, tool_call, kb_retrieval, guardrail, handoff, call_control, …'),
  at: z.string().describe('When it happened.'),
  data: z.record(z.string(), z.unknown()).describe('What happened; the shape depends on the type.'),
});

export const contentField = z.string().trim().min(1).max(4000).describe('What the person writes.');
export const streamField = z.boolean().default(false).describe('Answer as server-sent events (token deltas, tool calls, retrievals, then done).');

export const turnOutputSchema = z.object({
  sessionId: z.string().describe('The session.'),
  messages: z.array(messageSchema).describe('The message sent and the agent\'s reply, in order.'),
  events: z.array(receiptEventSchema).describe('What the agent did this turn (its part of the receipt).'),
});

export function presentSession(conversation: ConversationRecord): z.input<typeof sessionSchema> {
  return {
    id: conversation.id,
    agentId: conversation.agentId,
    versionId: conversation.versionId,
    draftMode: conversation.draft,
    surface: conversation.surface,
    status: conversation.status,
    outcome: conversation.outcome,
    messageCount: conversation.messageCount,
    createdAt: conversation.startedAt,
    lastActivityAt: conversation.lastActivityAt,
    endedAt: conversation.endedAt,
  };
}

export function presentMessage(message: MessageRecord): z.input<typeof messageSchema> {
  return { id: message.id, role: message.role, content: message.content, createdAt: message.createdAt };
}

/** A chat conversation of the caller's org that `fits` (e.g. a widget's own), or a 404. */
export function loadSession(context: ToolContext, id: string, fits: (conversation: ConversationRecord) => boolean): ConversationRecord {
  const conversation = context.services.conversations.find(context.org.id, id);
  if (!conversation || conversation.channel !== 'chat' || !fits(conversation)) throw notFound('chat session', id);
  return conversation;
}

/** What a site visitor may see of a turn: the words, not the tools and passages behind them. */
const VISITOR_EVENTS = new Set(['token', 'agent_message']);

/**
 * Take one turn, streaming its events (token deltas as transient ones) to the caller. A visitor
 * (the widget) gets only the reply, never the receipt.
 */
export async function chatTurn(
  context: ToolContext,
  conversation: ConversationRecord,
  content: string,
  audience: 'operator' | 'visitor' = 'operator',
): Promise<z.input<typeof turnOutputSchema>> {
  const visible = (type: string) => audience === 'operator' || VISITOR_EVENTS.has(type);
  const turn = await context.services.engine.turn(conversation, { text: content }, {
    signal: context.signal,
    emit: (event) => visible(event.type) && context.emit({ type: event.type, data: event.data, transient: event.type === 'token' }),
  });
  const events = audience === 'operator' ? turn.events : [];
  return { sessionId: conversation.id, messages: [turn.userMessage, turn.reply].map(presentMessage), events };
}

/** The transcript, oldest first, a page at a time. */
export function messagePage(context: ToolContext, conversation: ConversationRecord, input: { cursor?: string; limit: number }) {
  const after = input.cursor ? context.cursors.decode(input.cursor) : undefined;
  const page = context.services.conversations.messages(context.org.id, conversation.id, { after, limit: input.limit });
  const last = page.items.at(-1);
  return { items: page.items.map(presentMessage), nextCursor: page.hasMore && last ? context.cursors.encode(last.id) : null, hasMore: page.hasMore };
}
