/** The public shape of a knowledge source, and lookups shared by the knowledge tools. */
import { z } from 'zod';
import { idField } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { INGEST_JOB } from '../../runtime/knowledge/ingest.ts';
import type { SourceRecord } from '../../store/knowledge.ts';
import type { ToolContext } from '../types.ts';

export const agentId = idField('The agent id (agt_…).');
export const sourceId = idField('The knowledge source id (ks_…).');
export const MIN_REFRESH_HOURS = 24;
export { DEFAULT_REFRESH_HOURS } from '../../store/knowledge.ts';

export const faqPair = z.object({
  question: z.string().min(1).max(1000).describe('The question, as a caller would ask it.'),
  answer: z.string().min(1).max(5000).describe('The answer the agent should give.'),
});

const count = (what: string) => z.number().int().min(0).nullable().describe(what);

const progressSchema = z.object({
  stage: z
    .enum(['extracting', 'chunking', 'embedding', 'indexing'])
    .describe('extracting (fetching and reading the document), chunking (splitting it into passages), embedding, then indexing (the swap to the new passages).'),
  pagesDone: count('Pages read so far; null for formats without pages (only PDFs have them).'),
  pagesTotal: count('Pages in the document; null for formats without pages.'),
  chunksDone: count('Passages embedded so far; null until the document is split.'),
  chunksTotal: count('Passages to embed; null until the document is split.'),
});

const sourceFields = {
  id: z.string().describe('Source id (ks_…).'),
  agentId: z.string().describe('The agent it belongs to.'),
  kind: z.enum(['url', 'file', 'text', 'faq']).describe('Where the content comes from.'),
  label: z.string().describe('Name shown in lists.'),
  url: z.string().nullable().describe('The page, for url sources.'),
  file_id: z.string().nullable().describe('The upload, for file sources.'),
  status: z
    .enum(['pending', 'processing', 'indexed', 'error'])
    .describe('pending (queued), processing (being indexed or re-crawled, see progress), then indexed; error with a reason if it could never be indexed.'),
  progress: progressSchema.nullable().describe('How far indexing has got while processing; null otherwise.'),
  error: z.string().nullable().describe('Why the last ingestion or refresh failed, if it did.'),
  title: z.string().nullable().describe('Title found in the document.'),
  chunkCount: z.number().int().describe('Passages indexed (those the agent answers from now).'),
  autoRefresh: z.boolean().describe('Whether a url source is re-crawled on a schedule.'),
  refreshIntervalHours: z.number().int().describe('Hours between automatic re-crawls (24 minimum).'),
  nextRefreshAt: z.string().nullable().describe('When the next automatic re-crawl is due.'),
  lastCheckedAt: z.string().nullable().describe('When the content was last fetched or read.'),
  lastChangedAt: z.string().nullable().describe('When the indexed content last changed.'),
  indexedAt: z.string().nullable().describe('When it was last indexed.'),
  createdAt: z.string().describe('When it was added.'),
  updatedAt: z.string().describe('When it last changed.'),
};
export const sourceSchema = z.object(sourceFields);
export const sourceWithContentSchema = z.object({
  ...sourceFields,
  content: z
    .string()
    .nullable()
    .optional()
    .describe('The full indexed text, only with include=content (null before the first index). Untrusted: it comes from the source.'),
});

/** `include` values: parts of a source left out unless asked for, because of their size. */
export const includeField = z
  .enum(['content'])
  .optional()
  .describe('content: also return the full indexed text (it can run to megabytes; left out by default).');

export function presentSource(source: SourceRecord): z.input<typeof sourceSchema> {
  return {
    id: source.id,
    agentId: source.agentId,
    kind: source.kind,
    label: source.label,
    url: source.url,
    file_id: source.fileId,
    status: source.status,
    progress: source.progress,
    error: source.error,
    title: source.title,
    chunkCount: source.chunkCount,
    autoRefresh: source.autoRefresh,
    refreshIntervalHours: source.refreshIntervalHours,
    nextRefreshAt: source.nextRefreshAt,
    lastCheckedAt: source.lastCheckedAt,
    lastChangedAt: source.lastChangedAt,
    indexedAt: source.indexedAt,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  };
}

export function loadSource(context: ToolContext, agent: string, id: string): SourceRecord {
  const source = context.services.knowledge.findSource(context.org.id, agent, id);
  if (!source) throw notFound('knowledge source', id);
  return source;
}

/** Whether an ingestion (first index, refresh or retry) of the source is queued or running. */
export function ingestionActive(context: ToolContext, source: SourceRecord): boolean {
  return context.services.jobs.active(INGEST_JOB, source.id) !== undefined;
}

export function enqueueIngestion(context: ToolContext, source: SourceRecord, reason: string): void {
  context.services.jobs.enqueue({ kind: INGEST_JOB, orgId: source.orgId, subjectId: source.id, payload: { reason } });
}

export function requireField(value: unknown, field: string, kind: string): void {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    throw new FlowyteError('validation_error', `a ${kind} source needs ${field}`, { errors: [{ field, message: `is required for kind ${kind}` }] });
  }
}

