/** Knowledge sources of an agent: add, list, read, delete, refresh now, and auto-refresh. */
import { z } from 'zod';
import { defineTool, deletedOutput, pageInput, pageOf, paginate } from '../define.ts';
import { FlowyteError, notFound } from '../../errors.ts';
import { loadAgent } from '../agents/present.ts';
import { assertAllowedDestination } from '../../runtime/net/destination.ts';
import type { SourceRecord } from '../../store/knowledge.ts';
import {
  DEFAULT_REFRESH_HOURS, MIN_REFRESH_HOURS, agentId, enqueueIngestion, faqPair, includeField, loadSource, presentSource, requireField, sourceId,
  sourceSchema, sourceWithContentSchema,
} from './present.ts';

export const addKnowledgeSource = defineTool({
  name: 'add_knowledge_source',
  title: 'Add a knowledge source',
  description:
    'Adds content the agent answers from: a web page (url), an upload (file, with the file_id from upload_file), pasted text (text), or question/answer pairs (faq). Indexing runs in the background: the source starts pending, then processing (with progress); poll get_knowledge_source, or follow stream_knowledge_source, until it is indexed (or error).',
  http: { method: 'POST', path: '/agents/{agentId}/knowledge/sources', successStatus: 201, maxBodyBytes: 8 * 1024 * 1024 },
  scope: 'knowledge:write',
  toolset: 'knowledge',
  input: z.object({
    agentId,
    kind: z.enum(['url', 'file', 'text', 'faq']).describe('url, file, text or faq; each needs its own field below.'),
    label: z.string().min(1).max(200).describe('Name shown in lists, e.g. "Help center".'),
    url: z.string().max(2048).optional().describe('For kind url: the http(s) page to crawl.'),
    file_id: z.string().max(64).optional().describe('For kind file: the file_id returned by upload_file.'),
    text: z.string().max(2_000_000).optional().describe('For kind text: the content itself (Markdown headings are kept).'),
    faq: z.array(faqPair.describe('One question and its answer.')).max(1000).optional().describe('For kind faq: question/answer pairs.'),
    autoRefresh: z.boolean().default(false).describe('For kind url: re-crawl on a schedule.'),
    refreshIntervalHours: z.number().int().min(MIN_REFRESH_HOURS).max(24 * 90).default(DEFAULT_REFRESH_HOURS).describe('Hours between re-crawls (24 minimum, weekly by default).'),
  }),
  output: sourceSchema,
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    const { services } = context;
    let content: string | null = null;
    switch (input.kind) {
      case 'url':
        requireField(input.url, 'url', 'url');
        await assertAllowedDestination(input.url as string, { allowPrivateNetwork: services.config.allowPrivateNetwork }, 'url');
        break;
      case 'file': {
        requireField(input.file_id, 'file_id', 'file');
        if (!services.files.findUsable(context.org.id, input.file_id as string)) {
          if (!services.files.expired(context.org.id, input.file_id as string)) throw notFound('upload', input.file_id as string);
          throw new FlowyteError('file_expired', `upload ${input.file_id} expired before it was used; upload the file again`);
        }
        break;
      }
      case 'text':
        requireField(input.text?.trim(), 'text', 'text');
        content = input.text as string;
        break;
      case 'faq':
        requireField(input.faq, 'faq', 'faq');
        content = JSON.stringify(input.faq);
        break;
    }
    if (input.autoRefresh && input.kind !== 'url') {
      throw new FlowyteError('validation_error', 'auto-refresh applies to url sources only', { errors: [{ field: 'autoRefresh', message: 'only for kind url' }] });
    }
    const source = services.knowledge.createSource({
      orgId: context.org.id,
      agentId: agent.id,
      kind: input.kind,
      label: input.label,
      url: input.kind === 'url' ? (input.url as string) : null,
      fileId: input.kind === 'file' ? (input.file_id as string) : null,
      input: content,
      autoRefresh: input.autoRefresh,
      refreshIntervalHours: input.refreshIntervalHours,
    });
    if (input.kind === 'file') services.files.attach(context.org.id, input.file_id as string);
    enqueueIngestion(context, source, 'created');
    return presentSource(source);
  },
});

export const listKnowledgeSources = defineTool({
  name: 'list_knowledge_sources',
  title: 'List knowledge sources',
  description: 'Lists the knowledge sources of an agent, newest first, with their indexing status and progress. The full text is left out; get_knowledge_source has it with include=content.',
  http: { method: 'GET', path: '/agents/{agentId}/knowledge/sources' },
  scope: 'knowledge:read',
  toolset: 'knowledge',
  flags: { readOnly: true, idempotent: true, paginated: true },
  input: z.object({ agentId, ...pageInput }),
  output: pageOf(sourceSchema),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    return paginate(context, input, (page) => context.services.knowledge.listSources(context.org.id, agent.id, page), presentSource);
  },
});

export const getKnowledgeSource = defineTool({
  name: 'get_knowledge_source',
  title: 'Get a knowledge source',
  description:
    'Returns one knowledge source with its status and, while it is processing, its progress. Poll it after adding a source until status is indexed or error, or follow stream_knowledge_source instead. The full indexed text comes only with include=content; it is untrusted content from the source.',
  http: { method: 'GET', path: '/agents/{agentId}/knowledge/sources/{id}' },
  scope: 'knowledge:read',
  toolset: 'knowledge',
  flags: { readOnly: true, idempotent: true },
  untrusted: ['content'],
  input: z.object({ agentId, id: sourceId, include: includeField }),
  output: sourceWithContentSchema,
  execute: async (input, context) => {
    const source = loadSource(context, loadAgent(context, input.agentId).id, input.id);
    if (input.include !== 'content') return presentSource(source);
    return { ...presentSource(source), content: context.services.knowledge.content(source.id) };
  },
});

export const deleteKnowledgeSource = defineTool({
  name: 'delete_knowledge_source',
  title: 'Delete a knowledge source',
  description: 'Removes a knowledge source and every passage and vector indexed from it; the agent stops using it at once.',
  http: { method: 'DELETE', path: '/agents/{agentId}/knowledge/sources/{id}' },
  scope: 'knowledge:write',
  toolset: 'knowledge',
  flags: { destructive: true, idempotent: true },
  input: z.object({ agentId, id: sourceId }),
  output: deletedOutput('source'),
  execute: async (input, context) => {
    const agent = loadAgent(context, input.agentId);
    if (!context.services.knowledge.deleteSource(context.org.id, agent.id, input.id)) throw notFound('knowledge source', input.id);
    return { id: input.id, deleted: true as const };
  },
});

export const updateKnowledgeSource = defineTool({
  name: 'update_knowledge_source',
  title: "Set a knowledge source's auto-refresh",
  description:
    'Turns scheduled re-crawling of a url source on or off, or changes how often it runs (24 hours minimum, weekly by default). A re-crawl re-indexes only when the content changed.',
  http: { method: 'PATCH', path: '/agents/{agentId}/knowledge/sources/{id}' },
  scope: 'knowledge:write',
  toolset: 'knowledge',
  flags: { idempotent: true },
  input: z.object({
    agentId,
    id: sourceId,
    autoRefresh: z.boolean().optional().describe('Re-crawl on a schedule.'),
    refreshIntervalHours: z.number().int().min(MIN_REFRESH_HOURS).max(24 * 90).optional().describe('Hours between re-crawls (24 minimum).'),
  }),
  output: sourceSchema,
  execute: async (input, context) => {
    const source = loadSource(context, loadAgent(context, input.agentId).id, input.id);
    if (source.kind !== 'url') {
      throw new FlowyteError('validation_error', 'auto-refresh applies to url sources only', { errors: [{ field: 'autoRefresh', message: 'only for kind url' }] });
    }
    const autoRefresh = input.autoRefresh ?? source.autoRefresh;
    const interval = input.refreshIntervalHours ?? source.refreshIntervalHours;
    const from = new Date(source.lastCheckedAt ?? context.services.now().toISOString()).getTime();
    context.services.knowledge.updateSource(source.id, {
      autoRefresh,
      refreshIntervalHours: interval,
      nextRefreshAt: autoRefresh ? new Date(Math.max(from + interval * 3_600_000, context.services.now().getTime())).toISOString() : null,
    });
    return presentSource(context.services.knowledge.findSourceById(source.id) as SourceRecord);
  },
});

export const refreshKnowledgeSource = defineTool({
  name: 'refresh_knowledge_source',
  title: 'Refresh a knowledge source now',
  description:
    'Re-crawls a url source now, whether or not auto-refresh is on (202: it runs in the background). The source is processing meanwhile and keeps serving its passages; it is re-indexed only if the content changed (watch lastCheckedAt and lastChangedAt, or follow stream_knowledge_source).',
  http: { method: 'POST', path: '/agents/{agentId}/knowledge/sources/{id}/refresh', successStatus: 202 },
  scope: 'knowledge:write',
  toolset: 'knowledge',
  flags: { idempotent: true },
  input: z.object({ agentId, id: sourceId }),
  output: sourceSchema,
  execute: async (input, context) => {
    const source = loadSource(context, loadAgent(context, input.agentId).id, input.id);
    if (source.kind !== 'url') {
      throw new FlowyteError('validation_error', 'only url sources can be re-crawled', { errors: [{ field: 'id', message: `is a ${source.kind} source` }] });
    }
    enqueueIngestion(context, source, 'refresh');
    return presentSource(source);
  },
});

