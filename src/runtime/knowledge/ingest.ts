/**
 * Ingestion of one knowledge source: get the document (inline text, FAQ pairs, an upload or a
 * fetched URL), extract its text, chunk, embed, and swap the source's chunks in one transaction.
 * Safe to run twice: a crashed run leaves the previous chunks untouched, and a re-run replaces
 * them. A refresh re-indexes only when the extracted text changed.
 */
import { createHash } from 'node:crypto';
import { FlowyteError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import type { IndexedChunk, SourceRecord } from '../../store/knowledge.ts';
import { chunkFaq, chunkText, type Chunk } from './chunker.ts';
import { extractText } from './extract.ts';
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
  chunks: Chunk[];
}

const EMBED_BATCH = 64;

async function loadDocument(services: Services, source: SourceRecord, signal: AbortSignal): Promise<Document> {
  switch (source.kind) {
    case 'text': {
      const text = source.input ?? '';
      return { title: null, text, chunks: chunkText(text) };
    }
    case 'faq': {
      const pairs = JSON.parse(source.input ?? '[]') as FaqPair[];
      const text = pairs.map((pair) => `Q: ${pair.question}\nA: ${pair.answer}`).join('\n\n');
      return { title: null, text, chunks: chunkFaq(pairs) };
    }
    case 'file': {
      const file = source.fileId ? services.files.findUsable(source.orgId, source.fileId) : undefined;
      const bytes = file && services.files.content(source.orgId, file.id);
      if (!file || !bytes) throw new FlowyteError('file_expired', `upload ${source.fileId} is gone; upload the file again`);
      const extracted = await extractText({ bytes, contentType: file.contentType, filename: file.filename });
      return { title: extracted.title, text: extracted.text, chunks: chunkText(extracted.text) };
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
      const extracted = await extractText({ bytes: response.body, contentType: response.contentType ?? undefined, url: response.url });
      return { title: extracted.title, text: extracted.text, chunks: chunkText(extracted.text) };
    }
  }
}

async function embedChunks(services: Services, chunks: Chunk[]): Promise<IndexedChunk[]> {
  const indexed: IndexedChunk[] = [];
  for (let at = 0; at < chunks.length; at += EMBED_BATCH) {
    const batch = chunks.slice(at, at + EMBED_BATCH);
    // The heading path is part of what a chunk is about.
    const vectors = await services.embedder.embed(batch.map((chunk) => (chunk.headingPath ? `${chunk.headingPath}\n${chunk.text}` : chunk.text)));
    batch.forEach((chunk, index) => indexed.push({ ...chunk, embedding: vectors[index] }));
  }
  return indexed;
}

function nextRefresh(services: Services, source: SourceRecord): string | null {
  if (!source.autoRefresh) return null;
  return new Date(services.now().getTime() + source.refreshIntervalHours * 3_600_000).toISOString();
}

/** Index (or re-check) a source. Throws on failure; the job worker decides about retries. */
export async function ingestSource(services: Services, sourceId: string, signal: AbortSignal): Promise<void> {
  const source = services.knowledge.findSourceById(sourceId);
  if (!source) return; // deleted meanwhile: nothing to do
  const document = await loadDocument(services, source, signal);
  if (!document.text.trim() || document.chunks.length === 0) {
    throw new FlowyteError('extraction_failed', 'the source has no text to index');
  }
  const at = services.now().toISOString();
  const contentHash = createHash('sha256').update(document.text).digest('hex');
  if (source.status === 'indexed' && source.contentHash === contentHash) {
    services.knowledge.updateSource(source.id, { lastCheckedAt: at, error: null, nextRefreshAt: nextRefresh(services, source) });
    return;
  }
  const chunks = await embedChunks(services, document.chunks);
  if (!services.knowledge.findSourceById(source.id)) return; // deleted while we worked
  services.knowledge.replaceChunks(source, chunks, {
    status: 'indexed',
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
    chunkCount: chunks.length,
  });
}

/** After the last attempt: a never-indexed source ends in `error`; an indexed one keeps serving. */
export function ingestionFailed(services: Services, sourceId: string, error: unknown): void {
  const source = services.knowledge.findSourceById(sourceId);
  if (!source) return;
  const reason = error instanceof Error ? error.message : String(error);
  const at = services.now().toISOString();
  services.knowledge.updateSource(source.id, {
    status: source.status === 'indexed' ? 'indexed' : 'error',
    error: reason,
    lastCheckedAt: at,
    nextRefreshAt: nextRefresh(services, source),
  });
  services.events.record(source.orgId, 'knowledge.source.failed', { sourceId: source.id, agentId: source.agentId, reason });
}
