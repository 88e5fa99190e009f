/**
 * Ingestion of one knowledge source: get the document (inline text, FAQ pairs, an upload or a
 * fetched URL), extract its text, chunk, embed, and swap the source's chunks in one transaction.
 * The source is `processing` meanwhile, with its progress in the row. Safe to run twice: a crashed
 * run leaves the previous chunks untouched, and a re-run starts its progress afresh and replaces
 * them. A refresh re-indexes only when the extracted text changed.
 */
import { createHash } from 'node:crypto';
import { FlowyteError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { IndexedChunk, SourceRecord, SourceStatus } from '../../store/knowledge.ts';
import { chunkFaq, chunkText, type Chunk } from './chunker.ts';
import { extractText } from './extract.ts';
import { INITIAL_PROGRESS, ProgressReporter } from './progress.ts';
import { safeFetch } from '../net/safe-fetch.ts';

export const INGEST_JOB = 'knowledge.ingest';

/** Errors that retrying cannot fix. */
export const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'url_not_allowed',
  'unsupported_content',
  'extraction_failed',
  'file_expired',
  'not_found',
]);

export interface FaqPair {
  question: string;
  answer: string;
}

interface Document {
  title: string | null;
  text: string;
  /** For faq sources: each pair becomes one passage. */
  pairs?: FaqPair[];
}

const EMBED_BATCH = 64;

async function loadDocument(services: Services, source: SourceRecord, progress: ProgressReporter, signal: AbortSignal): Promise<Document> {
  const onPage = progress.page.bind(progress);
  switch (source.kind) {
    case 'text':
      return { title: null, text: source.input ?? '' };
    case 'faq': {
      const pairs = JSON.parse(source.input ?? '[]') as FaqPair[];
      return { title: null, text: pairs.map((pair) => `Q: ${pair.question}\nA: ${pair.answer}`).join('\n\n'), pairs };
    }
    case 'file': {
      const file = source.fileId ? services.files.findUsable(source.orgId, source.fileId) : undefined;
      const bytes = file && services.files.content(source.orgId, file.id);
      if (!file || !bytes) throw new FlowyteError('file_expired', `upload ${source.fileId} is gone; upload the file again`);
      return extractText({ bytes, contentType: file.contentType, filename: file.filename, onPage });
    }
    case 'url': {
      const { config } = services;
      const response = await safeFetch(source.url ?? '', {
        allowPrivateNetwork: config.allowPrivateNetwork,
        maxBytes: config.fetchMaxBytes,
        timeoutMs: config.fetchTimeoutMs,
        headers: { 'User-Agent': 'FlowyteBot/0.1 (+knowledge ingestion)', Accept: 'text/html, application/pdf, text/plain;q=0.9, */*;q=0.5' },
        signal,
      });
      if (response.status >= 400) throw new FlowyteError('fetch_failed', `${source.url} answered ${response.status}`);
      return extractText({ bytes: response.body, contentType: response.contentType ?? undefined, url: response.url, onPage });
    }
  }
}

async function embedChunks(services: Services, chunks: Chunk[], progress: ProgressReporter): Promise<IndexedChunk[]> {
  const indexed: IndexedChunk[] = [];
  for (let at = 0; at < chunks.length; at += EMBED_BATCH) {
    const batch = chunks.slice(at, at + EMBED_BATCH);
    // The heading path is part of what a chunk is about.
    const vectors = await services.embedder.embed(batch.map((chunk) => (chunk.headingPath ? `${chunk.headingPath}\n${chunk.text}` : chunk.text)));
    batch.forEach((chunk, index) => indexed.push({ ...chunk, embedding: vectors[index] }));
    progress.chunks(indexed.length);
  }
  return indexed;
}

function nextRefresh(services: Services, source: SourceRecord): string | null {
  if (!source.autoRefresh) return null;
  return new Date(services.now().getTime() + source.refreshIntervalHours * 3_600_000).toISOString();
}

/** Where a source rests when no job works on it: indexed while it has passages to serve. */
function restingStatus(source: SourceRecord): SourceStatus {
  return source.indexedAt ? 'indexed' : 'pending';
}

/** Index (or re-check) a source. Throws on failure; the job worker decides about retries. */
export async function ingestSource(services: Services, sourceId: string, signal: AbortSignal): Promise<void> {
  const source = services.knowledge.findSourceById(sourceId);
  if (!source) return; // deleted meanwhile: nothing to do
  // A retried (or taken-over) job starts its progress afresh.
  services.knowledge.updateSource(source.id, { status: 'processing', progress: INITIAL_PROGRESS });
  try {
    await indexDocument(services, source, new ProgressReporter(services.knowledge, source.id), signal);
  } catch (error) {
    // Between attempts the source waits as it was; after the last one, ingestionFailed says why.
    services.knowledge.updateSource(source.id, { status: restingStatus(source), progress: null });
    throw error;
  }
}

async function indexDocument(services: Services, source: SourceRecord, progress: ProgressReporter, signal: AbortSignal): Promise<void> {
  const document = await loadDocument(services, source, progress, signal);
  if (!document.text.trim()) throw new FlowyteError('extraction_failed', 'the source has no text to index');
  const at = services.now().toISOString();
  const contentHash = createHash('sha256').update(document.text).digest('hex');
  if (source.indexedAt && source.contentHash === contentHash) {
    services.knowledge.updateSource(source.id, { status: 'indexed', progress: null, lastCheckedAt: at, error: null, nextRefreshAt: nextRefresh(services, source) });
    return;
  }
  progress.stage('chunking');
  const chunks = document.pairs ? chunkFaq(document.pairs) : chunkText(document.text);
  if (chunks.length === 0) throw new FlowyteError('extraction_failed', 'the source has no text to index');
  progress.stage('embedding', { chunksDone: 0, chunksTotal: chunks.length });
  const indexed = await embedChunks(services, chunks, progress);
  if (!services.knowledge.findSourceById(source.id)) return; // deleted while we worked
  progress.stage('indexing');
  // The swap ends processing in the same transaction: no one sees the new passages half-written,
  // nor an indexed source with progress.
  services.knowledge.replaceChunks(source, indexed, {
    status: 'indexed',
    progress: null,
    error: null,
    title: document.title,
    content: document.text,
    contentHash,
    indexedAt: at,
    lastCheckedAt: at,
    lastChangedAt: at,
    nextRefreshAt: nextRefresh(services, source),
  });
  if (source.fileId) services.files.attach(source.orgId, source.fileId);
  services.events.record(source.orgId, 'knowledge.source.indexed', {
    sourceId: source.id,
    agentId: source.agentId,
    chunkCount: indexed.length,
  });
}

/** After the last attempt: a never-indexed source ends in `error`; an indexed one keeps serving. */
export function ingestionFailed(services: Services, sourceId: string, error: unknown): void {
  const source = services.knowledge.findSourceById(sourceId);
  if (!source) return;
  const reason = error instanceof Error ? error.message : String(error);
  const at = services.now().toISOString();
  services.knowledge.updateSource(source.id, {
    status: source.indexedAt ? 'indexed' : 'error',
    progress: null,
    error: reason,
    lastCheckedAt: at,
    nextRefreshAt: nextRefresh(services, source),
  });
  services.events.record(source.orgId, 'knowledge.source.failed', { sourceId: source.id, agentId: source.agentId, reason });
}
