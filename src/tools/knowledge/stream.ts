/** Following a knowledge source's ingestion live, instead of polling get_knowledge_source. */
import { z } from 'zod';
import { defineTool } from '../define.ts';
import { followUntilFinished } from '../follow.ts';
import { loadAgent } from '../agents/present.ts';
import type { SourceRecord } from '../../store/knowledge.ts';
import { agentId, ingestionActive, loadSource, presentSource, sourceId, sourceSchema } from './present.ts';

export const streamKnowledgeSource = defineTool({
  name: 'stream_knowledge_source',
  title: "Stream a knowledge source's ingestion",
  description:
    "Follows a source's indexing as it happens: a status event with its current status first and at every change (pending → processing → indexed or error), a progress event whenever the progress moves, ending with done carrying the source as get_knowledge_source returns it (without its text). Ends at once when the source is indexed or in error and no indexing or refresh of it is queued.",
  http: { method: 'GET', path: '/agents/{agentId}/knowledge/sources/{id}/stream' },
  scope: 'knowledge:read',
  toolset: 'knowledge',
  flags: { readOnly: true, idempotent: true, streaming: true },
  input: z.object({ agentId, id: sourceId }),
  output: sourceSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    let status: string | null = null;
    let progress = 'null';
    const source = await followUntilFinished<SourceRecord>(context, {
      load: () => loadSource(context, agent.id, input.id),
      report: (current) => {
        if (current.status !== status) {
          status = current.status;
          context.emit({ type: 'status', data: { id: current.id, status } });
        }
        const seen = JSON.stringify(current.progress);
        if (seen === progress) return;
        progress = seen;
        // The end of processing clears progress; the status event already says so.
        if (current.progress) context.emit({ type: 'progress', data: { id: current.id, ...current.progress } });
      },
      // Indexed with a refresh (or retry) queued is not the end: that job is about to start.
      finished: (current) => (current.status === 'indexed' || current.status === 'error') && !ingestionActive(context, current),
    });
    return presentSource(source);
  },
});
