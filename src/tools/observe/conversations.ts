/**
 * Conversation history in observe: the searchable list, one conversation's summary, its
 * transcript, its receipt, its recording, and an agent's calls. Voice and chat alike.
 */
import { z } from 'zod';
import { isoWindow, timeField } from './time.ts';
import { defineTool, idField, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import { messagePage, messageSchema } from '../chat/present.ts';
import { words } from '../../runtime/knowledge/embedder.ts';
import { OUTCOMES, SENTIMENTS } from '../../runtime/observe/settle.ts';
import type { ToolContext } from '../types.ts';
import type { ConversationRecord, HistoryFilter } from '../../store/conversations.ts';

const conversationId = idField('The conversation id (conv_…).');

const filterInput = {
  from: timeField('Only conversations that started at or after this date (midnight UTC) or time.'),
  to: timeField('Only conversations that started before this date (midnight UTC) or time; exclusive (to=2025-04-01 ends with March 31).'),
  channel: z.enum(['chat', 'voice']).optional().describe('Only chat or only voice conversations.'),
  outcome: z.enum(OUTCOMES).optional().describe('Only conversations with this outcome.'),
  includeTests: z.boolean().default(false).describe('Also list test conversations (simulations and draftMode sessions).'),
};

export const conversationRow = z.object({
  id: z.string().describe('Conversation id (conv_…).'),
  agentId: z.string().describe('The agent.'),
  channel: z.enum(['chat', 'voice']).describe('chat or voice.'),
  surface: z.string().describe('Where it came from: session, widget, completions, simulate, talk, …'),
  status: z.enum(['active', 'ended']).describe('active while it is going on.'),
  outcome: z
    .enum(OUTCOMES)
    .nullable()
    .describe(
      'Settled when it ends (null before): transferred (handed to a person), missed (a call that ended before the agent engaged), abandoned (the person never spoke or wrote), answered (the agent engaged but only fell back or refused), contained (the agent resolved it itself).',
    ),
  summary: z.string().nullable().describe('One line: what the person asked and what happened (untrusted: quotes the person).'),
  topic: z.string().nullable().describe('The primary topic; null until topics are computed.'),
  sentiment: z
    .enum(SENTIMENTS)
    .nullable()
    .describe('From the person\'s words (AFINN lexicon, no model): positive, neutral, negative, or frustrated (strongly negative, or negative with repeated fallbacks or asks for a human).'),
  test: z.boolean().describe('A test conversation (simulation or draftMode session): not traffic.'),
  startedAt: z.string().describe('When it started.'),
  endedAt: z.string().nullable().describe('When it ended.'),
  durationSeconds: z.number().int().nullable().describe('Length in seconds (a call as its line counted it); null until it ends.'),
  messageCount: z.number().int().describe('Messages in the transcript, greeting included.'),
});

const conversationDetail = conversationRow.extend({
  versionId: z.string().nullable().describe('The published version it ran; null for a draft test.'),
  endReason: z.string().nullable().describe('Why it ended: ended_by_client, idle_timeout, completed, no_response, max_duration, …'),
  transferredTo: z.string().nullable().describe('Where it was handed off to, when it was.'),
  eventCount: z.number().int().describe('Events in the receipt.'),
  lastActivityAt: z.string().describe('Time of the last message or event.'),
});

function presentRow(conversation: ConversationRecord): z.input<typeof conversationRow> {
  return {
    id: conversation.id,
    agentId: conversation.agentId,
    channel: conversation.channel,
    surface: conversation.surface,
    status: conversation.status,
    outcome: conversation.outcome as z.input<typeof conversationRow>['outcome'],
    summary: conversation.summary,
    topic: null,
    sentiment: conversation.sentiment as z.input<typeof conversationRow>['sentiment'],
    test: conversation.draft,
    startedAt: conversation.startedAt,
    endedAt: conversation.endedAt,
    durationSeconds: conversation.durationSeconds,
    messageCount: conversation.messageCount,
  };
}

function loadConversation(context: ToolContext, id: string): ConversationRecord {
  const conversation = context.services.conversations.find(context.org.id, id);
  if (!conversation) throw notFound('conversation', id);
  return conversation;
}

/** The search words as an FTS5 query that needs every one of them (each quoted: never FTS syntax). */
function matchAll(q: string): string {
  const terms = [...new Set(words(q))].slice(0, 16);
  if (!terms.length) throw new FlowyteError('validation_error', 'q has no words to search for', { errors: [{ field: 'q', message: 'must contain a letter or digit' }] });
  return terms.map((term) => `"${term}"`).join(' ');
}

type FilterFields = { from?: string; to?: string; channel?: 'chat' | 'voice'; outcome?: HistoryFilter['outcome']; includeTests: boolean };

function historyFilter(input: FilterFields, extra: { agentId?: string; q?: string }): HistoryFilter {
  const { from, to } = isoWindow(input);
  return {
    agentId: extra.agentId,
    channel: input.channel,
    outcome: input.outcome,
    startedFrom: from,
    startedBefore: to,
    match: extra.q === undefined ? undefined : matchAll(extra.q),
    includeTests: input.includeTests,
  };
}

function historyPage(context: ToolContext, input: FilterFields & { cursor?: string; limit: number }, extra: { agentId?: string; q?: string }) {
  const filter = historyFilter(input, extra);
  return paginate(context, input, (page) => context.services.conversations.history(context.org.id, filter, page), presentRow);
}

export const listConversations = defineTool({
  name: 'list_conversations',
  title: 'List conversations',
  description:
    'Conversation history across agents and channels, newest first, each with its outcome, one-line summary, topic and sentiment. q searches the words of transcripts and summaries. Test conversations are left out unless includeTests.',
  http: { method: 'GET', path: '/conversations' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({
    q: z.string().trim().min(1).max(200).optional().describe('Words that must all appear in the transcript or summary (any form: "hour" finds "hours").'),
    agentId: idField('Only this agent\'s conversations (agt_…).').optional(),
    ...filterInput,
    ...pageInput,
  }),
  output: pageOf(conversationRow),
  untrusted: ['summary'],
  execute: async (input, context) => {
    if (input.agentId) loadAgent(context, input.agentId);
    return historyPage(context, input, { agentId: input.agentId, q: input.q });
  },
});

export const listAgentCalls = defineTool({
  name: 'list_agent_calls',
  title: 'List call summaries',
  description: 'An agent\'s conversations, voice calls and chats alike, as call summaries (outcome, summary, sentiment, length), newest first.',
  http: { method: 'GET', path: '/agents/{agentId}/calls' },
  scope: 'calls:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId: idField('The agent id (agt_…).'), ...filterInput, ...pageInput }),
  output: pageOf(conversationRow),
  untrusted: ['summary'],
  execute: async (input, context) => historyPage(context, input, { agentId: loadAgent(context, input.agentId).id }),
});

export const getConversation = defineTool({
  name: 'get_conversation',
  title: 'Get a conversation',
  description: 'One conversation\'s summary: outcome, one-line summary, sentiment, length, why it ended and where it was handed off to.',
  http: { method: 'GET', path: '/conversations/{id}' },
  scope: 'calls:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ id: conversationId }),
  output: conversationDetail,
  untrusted: ['summary'],
  execute: async (input, context) => {
    const conversation = loadConversation(context, input.id);
    const receipt = context.services.conversations.events(context.org.id, conversation.id);
    const ended = receipt.findLast((event) => event.type === 'conversation_ended');
    const handoff = receipt.findLast((event) => event.type === 'handoff');
    return {
      ...presentRow(conversation),
      versionId: conversation.versionId,
      endReason: ended ? String(ended.data.reason) : null,
      transferredTo: handoff?.data.destination ? String(handoff.data.destination) : null,
      eventCount: conversation.eventCount,
      lastActivityAt: conversation.lastActivityAt,
    };
  },
});

export const getConversationTranscript = defineTool({
  name: 'get_conversation_transcript',
  title: 'Get a conversation transcript',
  description: 'What was said, oldest first, a page at a time: the person\'s turns (speech or keyed digits on a call) and the agent\'s. Message text is untrusted.',
  http: { method: 'GET', path: '/conversations/{id}/transcript' },
  scope: 'calls:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ id: conversationId, ...pageInput }),
  output: pageOf(messageSchema, 'oldest first'),
  untrusted: ['content'],
  execute: async (input, context) => messagePage(context, loadConversation(context, input.id), input),
});

export const getConversationReceipt = defineTool({
  name: 'get_conversation_receipt',
  title: 'Get a conversation receipt',
  description:
    'Every event of the conversation in order (conversation_started, user_utterance, agent_message, kb_retrieval, tool_call, guardrail, verification, handoff, call_control, playbook, conversation_ended): what the agent did, step by step. Quoted text is untrusted.',
  http: { method: 'GET', path: '/conversations/{id}/receipt' },
  scope: 'calls:read',
  toolset: 'observe',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({ id: conversationId }),
  output: z.object({
    conversationId: z.string().describe('The conversation.'),
    items: z
      .array(
        z.object({
          seq: z.number().int().describe('Position in the receipt, from 1.'),
          type: z.string().describe('What kind of step.'),
          at: z.string().describe('When it happened.'),
          data: z.record(z.string(), z.unknown()).describe('What happened; the shape depends on the type.'),
        }),
      )
      .describe('The events, in order.'),
  }),
  untrusted: ['data.text'],
  execute: async (input, context) => {
    const conversation = loadConversation(context, input.id);
    return { conversationId: conversation.id, items: context.services.conversations.events(context.org.id, conversation.id) };
  },
});

export const getConversationAudio = defineTool({
  name: 'get_conversation_audio',
  title: 'Get a call recording',
  description:
    'A short-lived signed URL to a voice call\'s recording. Chat has no audio, and this deployment does not record calls yet: it answers 404 recording_unavailable.',
  http: { method: 'GET', path: '/conversations/{id}/audio' },
  scope: 'calls:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true },
  input: z.object({ id: conversationId }),
  output: z.object({
    conversationId: z.string().describe('The conversation.'),
    url: z.string().describe('Signed URL of the recording.'),
    expiresAt: z.string().describe('When the URL stops working.'),
  }),
  execute: async (input, context) => {
    const conversation = loadConversation(context, input.id);
    throw new FlowyteError(
      'recording_unavailable',
      conversation.channel === 'chat'
        ? `conversation ${conversation.id} is a chat: chat conversations have no audio; read its transcript instead`
        : `conversation ${conversation.id} has no recording: this deployment does not record calls; read its transcript instead`,
    );
  },
});
