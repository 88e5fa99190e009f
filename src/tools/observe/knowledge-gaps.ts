/** Knowledge gaps: what callers asked that the agent could not answer, ranked, and curated by people. */
import { z } from 'zod';
import { defineTool, idField, listOf } from '../define.ts';
import { notFound } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import { GAP_CLASSIFICATIONS, GAP_STATUSES, type KnowledgeGapRecord } from '../../store/knowledge-gaps.ts';
import { GAPS_MIN_CONVERSATIONS, rankGaps } from '../../runtime/observe/gaps.ts';

const agentId = idField('The agent id (agt_…).');

export const gapSchema = z.object({
  gapId: z.string().describe('The gap (gap_…).'),
  question: z.string().describe('The question as a caller first asked it (caller text).'),
  occurrences: z.number().int().describe('Conversations in which it (or a near-identical wording) went unanswered.'),
  lastAskedAt: z.string().describe('When it was last asked.'),
  rankScore: z.number().describe('Frequency weighted by recency: each conversation counts 1, halving every 14 days since it asked.'),
  classification: z
    .enum(GAP_CLASSIFICATIONS)
    .describe('out_of_scope when neither the knowledge nor the agent\'s own description comes near it; else missing_knowledge.'),
  status: z.enum(GAP_STATUSES).describe('open, in_progress or dismissed (set by people), or covered (the live knowledge now answers it).'),
  sampleConversationIds: z.array(z.string()).describe('Up to three conversations that asked it, most recent first.'),
});

function presentGap(gap: KnowledgeGapRecord): z.input<typeof gapSchema> {
  return {
    gapId: gap.id,
    question: gap.question,
    occurrences: gap.occurrences,
    lastAskedAt: gap.lastAskedAt,
    rankScore: gap.rankScore,
    classification: gap.classification,
    status: gap.status,
    sampleConversationIds: gap.sampleConversationIds,
  };
}

export const listKnowledgeGaps = defineTool({
  name: 'list_knowledge_gaps',
  title: 'List knowledge gaps',
  description:
    "Questions callers asked in the agent's live conversations that it could not answer, near-identical wordings merged, best ranked first (frequency weighted by recency). Reports dataState collecting (and nothing ranked) until enough conversations exist. A gap the live knowledge now answers turns covered. Questions are caller text.",
  http: { method: 'GET', path: '/agents/{agentId}/knowledge-gaps' },
  scope: 'analytics:read',
  toolset: 'observe',
  flags: { list: true, readOnly: true, idempotent: true },
  input: z.object({
    agentId,
    status: z.enum(GAP_STATUSES).optional().describe('Only gaps with this status.'),
    limit: z.number().int().min(1).max(100).default(20).describe('Most gaps to return (1-100).'),
  }),
  output: listOf(gapSchema, 'The gaps asked in at least two conversations, best ranked first.', {
    dataState: z.enum(['collecting', 'ready']).describe(`collecting until the agent has ${GAPS_MIN_CONVERSATIONS} live conversations in which a caller said something.`),
    ranked: z.boolean().describe('Whether the gaps are ranked yet (dataState ready); until then the list is empty.'),
  }),
  untrusted: ['question'],
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { dataState, ranked } = await rankGaps(context.services, context.org.id, agent.id);
    return {
      dataState,
      ranked: dataState === 'ready',
      items: ranked.filter((gap) => !input.status || gap.status === input.status).slice(0, input.limit).map(presentGap),
    };
  },
});

const SETTABLE_STATUSES = ['open', 'in_progress', 'dismissed'] as const;

export const updateKnowledgeGap = defineTool({
  name: 'update_knowledge_gap',
  title: 'Update a knowledge gap',
  description:
    'Curates a gap: reopen it, mark it in progress while you add knowledge, or dismiss it. covered cannot be set here: a gap turns covered by itself once the live knowledge answers it.',
  http: { method: 'PATCH', path: '/agents/{agentId}/knowledge-gaps/{gapId}' },
  scope: 'analytics:write',
  toolset: 'observe',
  flags: { idempotent: true },
  input: z.object({
    agentId,
    gapId: idField('The gap (gap_…).'),
    status: z
      .enum(SETTABLE_STATUSES, { error: 'must be open, in_progress or dismissed (covered is set automatically when the live knowledge answers the question)' })
      .describe('open, in_progress or dismissed.'),
  }),
  output: gapSchema,
  untrusted: ['question'],
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const gap = context.services.knowledgeGaps.setStatus(context.org.id, agent.id, input.gapId, input.status);
    if (!gap) throw notFound('knowledge gap', input.gapId);
    return presentGap(gap);
  },
});
