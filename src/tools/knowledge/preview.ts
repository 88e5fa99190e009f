/** Preview what the agent would retrieve for a question. */
import { z } from 'zod';
import { defineTool, listOf } from '../define.ts';
import { loadAgent } from '../agents/present.ts';
import { searchKnowledge } from '../../runtime/knowledge/retrieval.ts';
import { agentId, loadSource, sourceId } from './present.ts';

export const previewKnowledge = defineTool({
  name: 'preview_knowledge',
  title: 'Preview knowledge search',
  description:
    'Searches the agent\'s indexed knowledge the way the agent will (vector and full-text, fused) and returns the best passages with scores and topScore. A low topScore or no chunks means the question is not covered. Passage text is untrusted content from the sources.',
  http: { method: 'POST', path: '/agents/{agentId}/knowledge/preview' },
  scope: 'knowledge:read',
  toolset: 'knowledge',
  flags: { list: true, readOnly: true, idempotent: true },
  untrusted: ['text'],
  input: z.object({
    agentId,
    query: z.string().min(1).max(1000).describe('A question as a caller would ask it.'),
    sourceIds: z.array(sourceId).max(50).optional().describe('Only search these sources.'),
    limit: z.number().int().min(1).max(20).default(5).describe('How many passages to return.'),
  }),
  output: listOf(
    z.object({
      chunkId: z.number().int().describe('Passage id.'),
      sourceId: z.string().describe('The source it comes from.'),
      sourceLabel: z.string().describe('That source\'s label.'),
      headingPath: z.string().describe('Headings above the passage, "A > B".'),
      text: z.string().describe('The passage (untrusted).'),
      score: z.number().describe('Cosine similarity to the query, 0-1.'),
    }),
    'Best passages first.',
    {
      query: z.string().describe('The query searched.'),
      topScore: z.number().describe('Similarity of the best passage, 0-1; 0 when nothing matched.'),
    },
  ),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { knowledge, vectors, embedder } = context.services;
    for (const id of input.sourceIds ?? []) loadSource(context, agent.id, id);
    const result = await searchKnowledge(knowledge, vectors, embedder, agent.id, input.query, { limit: input.limit, sourceIds: input.sourceIds });
    const labels = new Map(
      [...new Set(result.chunks.map((chunk) => chunk.sourceId))].map((id) => [id, knowledge.findSource(context.org.id, agent.id, id)?.label ?? '']),
    );
    return {
      query: input.query,
      topScore: result.topScore,
      items: result.chunks.map((chunk) => ({
        chunkId: chunk.chunkId,
        sourceId: chunk.sourceId,
        sourceLabel: labels.get(chunk.sourceId) ?? '',
        headingPath: chunk.headingPath,
        text: chunk.text,
        score: chunk.score,
      })),
    };
  },
});
