/** Topics: what callers talk to an agent about, clustered without configuration, and the conversations behind each. */
import { z } from 'zod';
import { defineTool, idField, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import { toPage } from '../../store/page.ts';
import type { ToolContext } from '../types.ts';
import type { ConversationRecord } from '../../store/conversations.ts';
import { windowOf } from '../../runtime/observe/caller-turns.ts';
import { timeField } from './time.ts';
import { TOPICS_WINDOW_DAYS, computeTopics, type TopicsResult } from '../../runtime/observe/topics.ts';

const agentId = idField('The agent id (agt_…).');
const windowFields = {
  from: timeField(`Start of the window (included); default ${TOPICS_WINDOW_DAYS} days before \`to\`.`),
  to: timeField('End of the window (included); default now.'),
};

const topicSchema = z.object({
  clusterId: z.string().describe('The topic (tpc_…); stable while its conversations are the same. Drill in with /topics/{clusterId}/conversations.'),
  label: z.string().describe('The most central thing callers said in it (caller text).'),
  volume: z.number().int().describe('Conversations in which a caller said something of this topic.'),
  share: z.number().describe('volume / conversations counted in the window, 0..1.'),
  trend: z
    .object({
      direction: z.enum(['up', 'down', 'flat']).describe('up or down when one half has over 20% more conversations than the other.'),
      current: z.number().int().describe('Its conversations in the second half of the window.'),
      previous: z.number().int().describe('Its conversations in the first half.'),
    })
    .describe('This half of the window against the half before.'),
  sampleQuestions: z.array(z.string()).describe('Up to three of the most often said wordings (caller text).'),
});

async function topicsOf(context: ToolContext, input: { agentId: string; from?: string; to?: string }): Promise<TopicsResult & { from: string; to: string }> {
  const agent = loadAgent(context, input.agentId);
  const window = windowOf(context.services.now(), TOPICS_WINDOW_DAYS, input);
  if (window.from >= window.to) {
    throw new FlowyteError('validation_error', 'to must be after from', { errors: [{ field: 'to', message: 'must be after from' }] });
  }
  return { ...window, ...(await computeTopics(context.services, context.org.id, agent.id, window)) };
}

export const listTopics = defineTool({
  name: 'list_topics',
  title: 'List conversation topics',
  description:
    "Groups what callers said in the agent's live conversations into topics, largest first, each with its volume, share, trend and sample questions. Reports dataState collecting (and no topics) until enough conversations exist. Labels and samples are caller text.",
  http: { method: 'GET', path: '/agents/{agentId}/topics' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    agentId,
    ...windowFields,
    limit: z.number().int().min(1).max(100).default(20).describe('Most topics to return (1-100).'),
  }),
  output: z.object({
    dataState: z.enum(['collecting', 'ready']).describe('collecting until the agent has 5 live conversations with something to group.'),
    from: z.string().describe('Start of the window used.'),
    to: z.string().describe('End of the window used.'),
    conversations: z.number().int().describe('Live conversations in the window with something to group.'),
    items: z.array(topicSchema).describe('The topics, largest first.'),
  }),
  untrusted: ['label', 'sampleQuestions[]'],
  execute: async (input, context) => {
    const { topics, ...result } = await topicsOf(context, input);
    return { ...result, items: topics.slice(0, input.limit).map(({ members: _members, ...topic }) => topic) };
  },
});

const topicConversationSchema = z.object({
  id: z.string().describe('Conversation id (conv_…).'),
  channel: z.enum(['chat', 'voice']).describe('chat or voice.'),
  surface: z.string().describe('Where it came from: session, widget, completions, …'),
  status: z.enum(['active', 'ended']).describe('Whether it is still going.'),
  outcome: z.string().nullable().describe('What it came to, once ended.'),
  messageCount: z.number().int().describe('Messages in its transcript.'),
  startedAt: z.string().describe('When it started.'),
  lastActivityAt: z.string().describe('Time of its last message or event.'),
  questions: z.array(z.string()).describe('What the caller said in it that belongs to the topic (caller text).'),
});

function presentConversation(conversation: ConversationRecord, questions: string[]): z.input<typeof topicConversationSchema> {
  return {
    id: conversation.id,
    channel: conversation.channel,
    surface: conversation.surface,
    status: conversation.status,
    outcome: conversation.outcome,
    messageCount: conversation.messageCount,
    startedAt: conversation.startedAt,
    lastActivityAt: conversation.lastActivityAt,
    questions,
  };
}

export const listTopicConversations = defineTool({
  name: 'list_topic_conversations',
  title: 'List conversations for a topic',
  description:
    'The live conversations grouped under one topic, newest first, with what the caller said there. Pass the same from/to as the topic list the clusterId came from.',
  http: { method: 'GET', path: '/agents/{agentId}/topics/{clusterId}/conversations' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId, clusterId: idField('The topic (tpc_…) from the topic list.'), ...windowFields, ...pageInput }),
  output: pageOf(topicConversationSchema),
  untrusted: ['questions[]'],
  execute: async (input, context) => {
    const { topics } = await topicsOf(context, input);
    const topic = topics.find((candidate) => candidate.clusterId === input.clusterId);
    if (!topic) throw notFound('topic', input.clusterId);
    const { conversations } = context.services;
    return paginate(
      context,
      input,
      (page) => {
        const members = topic.members.filter((member) => !page.before || member.conversationId < page.before).slice(0, page.limit + 1);
        return toPage(members.map((member) => ({ id: member.conversationId, ...member })), page.limit);
      },
      (member) => presentConversation(conversations.find(context.org.id, member.id)!, member.questions),
    );
  },
});
