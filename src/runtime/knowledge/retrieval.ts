/**
 * Hybrid retrieval: exact nearest neighbours (the agent's vectors, scored in memory) and FTS5
 * BM25, fused by reciprocal rank, scoped to one agent. Each returned chunk carries its cosine
 * similarity to the query as `score`.
 */
import type { Embedder } from './embedder.ts';
import { words } from './embedder.ts';
import type { KnowledgeStore } from '../../store/knowledge.ts';
import type { VectorIndex } from './vector-index.ts';

export interface RetrievedChunk {
  chunkId: number;
  sourceId: string;
  headingPath: string;
  text: string;
  /** Cosine similarity of chunk and query, 0..1 (higher is closer). */
  score: number;
  /** Rank among vector neighbours and among full-text matches (null where absent). */
  vectorRank: number | null;
  textRank: number | null;
}

export interface RetrievalResult {
  chunks: RetrievedChunk[];
  topScore: number;
}

const RRF_K = 60;

/**
 * Words as a safe FTS5 query: every word quoted and OR-ed, so FTS syntax in the text (quotes,
 * NEAR(, *, col:, AND/OR/NOT) is only ever read as words. Null when there are none.
 */
export function toFtsQuery(terms: string[]): string | null {
  return terms.length ? terms.map((term) => `"${term}"`).join(' OR ') : null;
}

/**
 * In a large index, a word found in more than this share of passages is left out of the full-text
 * query: bm25 gives it little weight, the vector stage already covers meaning, and matching it
 * makes FTS5 score a large part of the index. Full text is there for the rarer words (names,
 * codes, product terms). Small indexes keep every word: they are cheap to search anyway.
 */
const COMMON_WORD_SHARE = 0.2;
const LARGE_INDEX = 1000;

/** The query's distinct words without the very common ones (keeping at least the rarest). */
export function searchTerms(store: KnowledgeStore, text: string): string[] {
  const terms = [...new Set(words(text))].slice(0, 32);
  if (terms.length <= 1) return terms;
  const { total, documents } = store.termFrequencies(terms);
  if (total < LARGE_INDEX) return terms;
  const rare = terms.filter((term) => (documents.get(term) ?? 0) <= total * COMMON_WORD_SHARE);
  if (rare.length) return rare;
  return [terms.reduce((best, term) => ((documents.get(term) ?? 0) < (documents.get(best) ?? 0) ? term : best))];
}

export async function searchKnowledge(
  store: KnowledgeStore,
  vectors: VectorIndex,
  embedder: Embedder,
  agentId: string,
  query: string,
  options: { limit: number; sourceIds?: string[] },
): Promise<RetrievalResult> {
  const depth = Math.max(options.limit * 4, 20);
  const [embedding] = await embedder.embed([query]);
  const neighbours = vectors.nearest(agentId, embedding, depth, options.sourceIds);
  const ftsQuery = toFtsQuery(searchTerms(store, query));
  const matches = ftsQuery ? store.matching(agentId, ftsQuery, depth, options.sourceIds) : [];

  const fused = new Map<number, { rrf: number; vectorRank: number | null; textRank: number | null }>();
  neighbours.forEach((hit, rank) => fused.set(hit.id, { rrf: 1 / (RRF_K + rank + 1), vectorRank: rank + 1, textRank: null }));
  matches.forEach((hit, rank) => {
    const entry = fused.get(hit.id) ?? { rrf: 0, vectorRank: null, textRank: null };
    entry.rrf += 1 / (RRF_K + rank + 1);
    entry.textRank = rank + 1;
    fused.set(hit.id, entry);
  });
  const ranked = [...fused].sort((a, b) => b[1].rrf - a[1].rrf || a[0] - b[0]).slice(0, options.limit);
  const distances = new Map(neighbours.map((hit) => [hit.id, hit.distance]));
  const byId = new Map(store.chunks(ranked.map(([id]) => id)).map((chunk) => [chunk.id, chunk]));
  const missing = ranked.filter(([id]) => !distances.has(id)).map(([id]) => id);
  for (const [id, distance] of vectors.distances(agentId, missing, embedding)) distances.set(id, distance);

  const chunks = ranked.flatMap(([id, entry]) => {
    const chunk = byId.get(id);
    if (!chunk) return [];
    const score = Math.max(0, Math.min(1, 1 - (distances.get(id) ?? 1)));
    return [{ chunkId: id, sourceId: chunk.sourceId, headingPath: chunk.headingPath, text: chunk.text, score: Math.round(score * 10_000) / 10_000, vectorRank: entry.vectorRank, textRank: entry.textRank }];
  });
  return { chunks, topScore: chunks.reduce((top, chunk) => Math.max(top, chunk.score), 0) };
}
