/**
 * Knowledge benchmark: ingestion throughput with the local embedder, and hybrid retrieval
 * (in-memory exact vector search + FTS5 BM25, fused) at two corpus sizes in one agent, with the vector stage's
 * recall@10 checked against an exact brute-force search in JavaScript over the same vectors.
 *
 * Runs on its own platform: SQLite on disk in a fresh temp dir (WAL), like a real server.
 */
import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { chunkText } from '../src/runtime/knowledge/chunker.ts';
import { LocalEmbedder } from '../src/runtime/knowledge/embedder.ts';
import { ingestSource } from '../src/runtime/knowledge/ingest.ts';
import { searchKnowledge, searchTerms, toFtsQuery } from '../src/runtime/knowledge/retrieval.ts';
import type { IndexedChunk } from '../src/store/knowledge.ts';
import { previewKnowledge } from '../src/tools/knowledge/preview.ts';
import { invokeTool } from '../src/tools/invoke.ts';
import { resolveActor } from '../src/auth/actor.ts';
import { createBenchPlatform, type BenchPlatform } from './platform.ts';
import { Corpus, rng } from './corpus.ts';
import { percentile, table } from './stats.ts';

export const KNOWLEDGE_GOALS = { ingestChunksPerSecond: 500, searchP95Ms: 50, recallAt10: 0.95 };

export interface KnowledgePlan {
  /** Sources ingested for the throughput measurement (each ~50 chunks). */
  ingestSources: number;
  /** Corpus sizes (chunks in one agent) at which retrieval is measured, ascending. */
  sizes: number[];
  /** Measured queries per size (after `warmup` unmeasured ones). */
  queries: number;
  warmup: number;
  /** Calls of the preview_knowledge tool per size (it also lists the agent's sources). */
  toolCalls: number;
}

/** Same as ingest.ts: the heading path is embedded with the text, in batches of 64. */
const EMBED_BATCH = 64;
const CHUNKS_PER_SOURCE = 50;
/** preview_knowledge's default limit; searchKnowledge then asks each stage for max(4 × limit, 20). */
const LIMIT = 5;
const DEPTH = Math.max(LIMIT * 4, 20);
const K = 10;

export interface Latency {
  p50: number;
  p95: number;
  mean: number;
}

function latency(values: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const value of sorted) total += value;
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), mean: total / sorted.length };
}

export interface IngestResult {
  sources: number;
  chunks: number;
  meanChunkChars: number;
  chunkMs: number;
  embedMs: number;
  writeMs: number;
  /** ingestSource on `text` sources of the same documents: load, hash, chunk, embed, replace, event. */
  endToEnd: { sources: number; chunks: number; ms: number };
}

export interface RetrievalResult {
  size: number;
  queries: number;
  /** The whole searchKnowledge call (limit 5). */
  search: Latency;
  embed: Latency;
  /** VectorIndex.nearest at searchKnowledge's depth (exact cosine KNN, WASM SIMD over the agent's vectors in memory). */
  knn: Latency;
  /** store.matching at the same depth (FTS5 MATCH of the OR-ed words, bm25 ORDER BY, agent filter). */
  fts: Latency;
  /** Per query: the whole call minus the three stages above (fusion, chunk rows, extra distances). */
  rest: Latency;
  /** Exact top-10 by a plain JS scan over the in-memory Float32 matrix (the recall reference). */
  jsScan: Latency;
  /** The preview_knowledge tool through invokeTool (validation, audit, and its source listing). */
  tool: Latency & { calls: number };
  recallAt10: number;
  /**
   * Share of queries whose result (top 5) holds the chunk the query phrase was taken from. Not a
   * goal: a quality baseline, so that a faster pipeline can show it finds as much.
   */
  sourceInTop: number;
  /** Mean number of rows the FTS query matched in the agent (how unselective OR-ed words are). */
  ftsMatchedRows: number;
}

export interface BuildResult {
  chunks: number;
  generateMs: number;
  embedMs: number;
  writeMs: number;
}

export interface KnowledgeReport {
  plan: KnowledgePlan;
  ingest: IngestResult;
  builds: BuildResult[];
  retrieval: RetrievalResult[];
  totalMs: number;
}

async function createAgent(platform: BenchPlatform, name: string): Promise<string> {
  const response = await platform.app.request('/api/v1/agents', {
    method: 'POST',
    headers: { Authorization: `Bearer ${platform.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, description: 'Knowledge benchmark agent.' }),
  });
  if (response.status !== 201) throw new Error(`creating agent ${name} failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

/** 1. Chunk, embed and store realistic documents of ~50 chunks, one transaction per source. */
async function benchIngest(platform: BenchPlatform, corpus: Corpus, sources: number): Promise<IngestResult> {
  const { services } = platform;
  const orgId = platform.org.org.id;
  const agentId = await createAgent(platform, 'Ingestion bench');
  const random = rng(1);
  // ~30k characters in 6 sections chunk into about 50 chunks of ~750 characters (the chunker aims at 900).
  const documents = Array.from({ length: sources }, () => corpus.document(random, Math.floor(random() * corpus.topics), 30_000, 6));
  // Warm up the JIT on one document (not measured, not stored).
  await services.embedder.embed(chunkText(documents[0]).map((chunk) => chunk.text));

  let chunkMs = 0;
  let embedMs = 0;
  let writeMs = 0;
  let chunks = 0;
  let chars = 0;
  for (const [index, text] of documents.entries()) {
    const source = services.knowledge.createSource({ orgId, agentId, kind: 'text', label: `Doc ${index}`, url: null, fileId: null, input: text });
    let started = performance.now();
    const pieces = chunkText(text);
    chunkMs += performance.now() - started;

    started = performance.now();
    const indexed: IndexedChunk[] = [];
    for (let at = 0; at < pieces.length; at += EMBED_BATCH) {
      const batch = pieces.slice(at, at + EMBED_BATCH);
      const vectors = await services.embedder.embed(batch.map((chunk) => (chunk.headingPath ? `${chunk.headingPath}\n${chunk.text}` : chunk.text)));
      batch.forEach((chunk, offset) => indexed.push({ ...chunk, embedding: vectors[offset] }));
    }
    embedMs += performance.now() - started;

    started = performance.now();
    const at = new Date().toISOString();
    services.knowledge.replaceChunks(source, indexed, {
      status: 'indexed',
      content: text,
      contentHash: createHash('sha256').update(text).digest('hex'),
      indexedAt: at,
      lastCheckedAt: at,
      lastChangedAt: at,
    });
    writeMs += performance.now() - started;
    chunks += pieces.length;
    for (const piece of pieces) chars += piece.text.length;
  }

  // The same documents through the real job body, as `text` sources of another agent.
  const otherAgent = await createAgent(platform, 'Ingestion bench (ingestSource)');
  const ids = documents.map((text, index) =>
    services.knowledge.createSource({ orgId, agentId: otherAgent, kind: 'text', label: `Doc ${index}`, url: null, fileId: null, input: text }).id,
  );
  const signal = new AbortController().signal;
  const started = performance.now();
  for (const id of ids) await ingestSource(services, id, signal);
  const endToEndMs = performance.now() - started;
  const endToEndChunks = ids.reduce((total, id) => total + (services.knowledge.findSourceById(id)?.chunkCount ?? 0), 0);

  return {
    sources,
    chunks,
    meanChunkChars: chars / chunks,
    chunkMs,
    embedMs,
    writeMs,
    endToEnd: { sources: ids.length, chunks: endToEndChunks, ms: endToEndMs },
  };
}

/**
 * The retrieval corpus: one agent, sources of 50 chunks of ~850 characters on one topic each,
 * stored with replaceChunks, with every vector also kept in one Float32 matrix (row i ↔ ids[i]).
 */
class RetrievalCorpus {
  readonly ids: Int32Array;
  readonly matrix: Float32Array;
  size = 0;
  private readonly random = rng(2);
  private readonly embedder: LocalEmbedder;
  private sources = 0;

  constructor(
    private readonly platform: BenchPlatform,
    private readonly corpus: Corpus,
    readonly agentId: string,
    capacity: number,
  ) {
    this.embedder = new LocalEmbedder(platform.services.knowledge.dimensions);
    this.ids = new Int32Array(capacity);
    this.matrix = new Float32Array(capacity * this.embedder.dimensions);
  }

  /** Grow to `target` chunks (in whole sources of 50). */
  grow(target: number): BuildResult {
    const { services } = this.platform;
    const dims = this.embedder.dimensions;
    const chunkIds = services.db.prepare('SELECT id FROM knowledge_chunks WHERE source_id = ? ORDER BY position').pluck();
    const result: BuildResult = { chunks: 0, generateMs: 0, embedMs: 0, writeMs: 0 };
    while (this.size < target) {
      const count = Math.min(CHUNKS_PER_SOURCE, target - this.size);
      const topic = Math.floor(this.random() * this.corpus.topics);
      let started = performance.now();
      const title = this.corpus.title(this.random, topic);
      const chunks: { position: number; headingPath: string; text: string }[] = [];
      let section = '';
      for (let position = 0; position < count; position++) {
        if (position % 8 === 0) section = this.corpus.title(this.random, topic);
        chunks.push({ position, headingPath: `${title} > ${section}`, text: this.corpus.passage(this.random, topic, 820) });
      }
      const content = chunks.map((chunk) => chunk.text).join('\n\n');
      result.generateMs += performance.now() - started;

      started = performance.now();
      const indexed = chunks.map((chunk) => ({ ...chunk, embedding: this.embedder.embedOne(`${chunk.headingPath}\n${chunk.text}`) }));
      result.embedMs += performance.now() - started;

      started = performance.now();
      const source = services.knowledge.createSource({
        orgId: this.platform.org.org.id,
        agentId: this.agentId,
        kind: 'text',
        label: `${title} (${this.sources++})`,
        url: null,
        fileId: null,
        input: null,
      });
      services.knowledge.replaceChunks(source, indexed, { status: 'indexed', title, content });
      const ids = chunkIds.all(source.id) as number[];
      result.writeMs += performance.now() - started;

      ids.forEach((id, offset) => {
        this.ids[this.size + offset] = id;
        this.matrix.set(indexed[offset].embedding, (this.size + offset) * dims);
      });
      this.size += count;
      result.chunks += count;
    }
    return result;
  }

  /**
   * Exact top-k by cosine over the matrix (vectors are unit length, so the dot product), in plain
   * JavaScript with four accumulators (about twice as fast as the one-accumulator loop).
   */
  exact(query: Float32Array, k: number): { id: number; similarity: number }[] {
    const dims = query.length;
    const matrix = this.matrix;
    const top: { id: number; similarity: number }[] = [];
    let floor = -Infinity;
    for (let row = 0, base = 0; row < this.size; row++, base += dims) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let at = 0; at < dims; at += 4) {
        s0 += matrix[base + at] * query[at];
        s1 += matrix[base + at + 1] * query[at + 1];
        s2 += matrix[base + at + 2] * query[at + 2];
        s3 += matrix[base + at + 3] * query[at + 3];
      }
      const dot = s0 + s1 + s2 + s3;
      if (top.length < k || dot > floor) {
        let at = top.length;
        top.push({ id: this.ids[row], similarity: dot });
        while (at > 0 && top[at - 1].similarity < dot) {
          top[at] = top[at - 1];
          at--;
        }
        top[at] = { id: this.ids[row], similarity: dot };
        if (top.length > k) top.pop();
        floor = top[top.length - 1].similarity;
      }
    }
    return top;
  }

  /**
   * Queries as a caller might type them: 3–5 consecutive words of a random chunk, plus a noise
   * word. Returns each query with the chunk it came from.
   */
  queries(count: number, seed: number): { text: string; from: number }[] {
    const random = rng(seed);
    const rows = Array.from({ length: count }, () => this.ids[Math.floor(random() * this.size)]);
    const texts = new Map(this.platform.services.knowledge.chunks(rows).map((chunk) => [chunk.id, chunk.text]));
    return rows.map((id) => {
      const words = (texts.get(id) ?? '').split(/\s+/);
      const length = 3 + Math.floor(random() * 3);
      const at = Math.floor(random() * Math.max(1, words.length - length));
      const phrase = words.slice(at, at + length);
      phrase.splice(Math.floor(random() * (phrase.length + 1)), 0, this.corpus.vocabulary[Math.floor(random() * this.corpus.vocabulary.length)]);
      return { text: phrase.join(' ').replace(/[.?]/g, ''), from: id };
    });
  }
}
async function benchRetrieval(platform: BenchPlatform, data: RetrievalCorpus, plan: KnowledgePlan, seed: number): Promise<RetrievalResult> {
  const { services } = platform;
  const { knowledge, vectors, embedder } = services;
  const agentId = data.agentId;
  const asked = data.queries(plan.queries, seed);
  const queries = asked.map((query) => query.text);
  const warmup = data.queries(plan.warmup, seed + 1).map((query) => query.text);

  for (const query of warmup) await searchKnowledge(knowledge, vectors, embedder, agentId, query, { limit: LIMIT });
  const total = new Float64Array(queries.length);
  let foundSource = 0;
  for (const [index, query] of queries.entries()) {
    const started = performance.now();
    const result = await searchKnowledge(knowledge, vectors, embedder, agentId, query, { limit: LIMIT });
    total[index] = performance.now() - started;
    if (result.chunks.some((chunk) => chunk.chunkId === asked[index].from)) foundSource += 1;
  }

  // The stages again, one at a time, for the same queries.
  const embed = new Float64Array(queries.length);
  const knn = new Float64Array(queries.length);
  const fts = new Float64Array(queries.length);
  const rest = new Float64Array(queries.length);
  const jsScan = new Float64Array(queries.length);
  let recalled = 0;
  let matchedRows = 0;
  const countMatches = services.db.prepare('SELECT count(*) FROM knowledge_fts WHERE knowledge_fts MATCH ? AND agent_id = ?').pluck();
  for (const [index, query] of queries.entries()) {
    let started = performance.now();
    const [vector] = await embedder.embed([query]);
    embed[index] = performance.now() - started;

    started = performance.now();
    vectors.nearest(agentId, vector, DEPTH);
    knn[index] = performance.now() - started;

    started = performance.now();
    const ftsQuery = toFtsQuery(searchTerms(knowledge, query));
    if (ftsQuery) knowledge.matching(agentId, ftsQuery, DEPTH);
    fts[index] = performance.now() - started;
    if (ftsQuery) matchedRows += countMatches.get(ftsQuery, agentId) as number;
    rest[index] = Math.max(0, total[index] - embed[index] - knn[index] - fts[index]);

    // recall@10 of the vector stage against the exact answer; ties at the 10th score count as hits.
    const found = vectors.nearest(agentId, vector, K);
    started = performance.now();
    const exact = data.exact(vector, K);
    jsScan[index] = performance.now() - started;
    const exactIds = new Set(exact.map((hit) => hit.id));
    const tenth = exact[exact.length - 1].similarity;
    for (const hit of found) if (exactIds.has(hit.id) || 1 - hit.distance >= tenth - 1e-6) recalled += 1;
  }

  // The preview_knowledge tool as REST and MCP run it.
  const actor = resolveActor(services.credentials, `Bearer ${platform.key}`);
  const invocation = { actor, services, requestId: 'bench-knowledge' };
  const toolQueries = queries.slice(0, plan.toolCalls);
  await invokeTool(previewKnowledge, { agentId, query: warmup[0], limit: LIMIT }, invocation);
  const tool = new Float64Array(toolQueries.length);
  for (const [index, query] of toolQueries.entries()) {
    const started = performance.now();
    await invokeTool(previewKnowledge, { agentId, query, limit: LIMIT }, invocation);
    tool[index] = performance.now() - started;
  }

  return {
    size: data.size,
    queries: queries.length,
    search: latency(total),
    embed: latency(embed),
    knn: latency(knn),
    fts: latency(fts),
    rest: latency(rest),
    jsScan: latency(jsScan),
    tool: { ...latency(tool), calls: tool.length },
    recallAt10: recalled / (queries.length * K),
    sourceInTop: foundSource / queries.length,
    ftsMatchedRows: matchedRows / queries.length,
  };
}

export async function benchKnowledge(plan: KnowledgePlan, log: (message: string) => void): Promise<KnowledgeReport> {
  const started = performance.now();
  const platform = await createBenchPlatform();
  try {
    const corpus = new Corpus();
    log(`knowledge: ingesting ${plan.ingestSources} sources`);
    const ingest = await benchIngest(platform, corpus, plan.ingestSources);
    const agentId = await createAgent(platform, 'Retrieval bench');
    const data = new RetrievalCorpus(platform, corpus, agentId, plan.sizes[plan.sizes.length - 1]);
    const builds: BuildResult[] = [];
    const retrieval: RetrievalResult[] = [];
    for (const [index, size] of plan.sizes.entries()) {
      log(`knowledge: building the corpus to ${size.toLocaleString('en-US')} chunks`);
      builds.push(data.grow(size));
      platform.services.db.pragma('wal_checkpoint(TRUNCATE)');
      log(`knowledge: ${plan.queries} queries at ${size.toLocaleString('en-US')} chunks`);
      retrieval.push(await benchRetrieval(platform, data, plan, 1000 + index));
    }
    return { plan, ingest, builds, retrieval, totalMs: performance.now() - started };
  } finally {
    platform.close();
  }
}

const msText = (value: number) => (value < 1 ? `${(value * 1000).toFixed(0)} µs` : `${value.toFixed(1)} ms`);
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const perSecond = (chunks: number, ms: number) => `${count((chunks / ms) * 1000)}/s`;

export function ingestChunksPerSecond(report: KnowledgeReport): number {
  const { ingest } = report;
  return (ingest.chunks / (ingest.chunkMs + ingest.embedMs + ingest.writeMs)) * 1000;
}

/** The knowledge section of the report, as printed lines. */
export function knowledgeReport(report: KnowledgeReport): string {
  const { ingest, builds, retrieval } = report;
  const lines: string[] = [];
  const ingestTotal = ingest.chunkMs + ingest.embedMs + ingest.writeMs;
  const share = (ms: number) => `${Math.round((ms / ingestTotal) * 100)}%`;
  lines.push(
    `Knowledge ingestion: ${ingest.sources} Markdown sources, ${count(ingest.chunks)} chunks (${(ingest.chunks / ingest.sources).toFixed(0)} per source, ` +
      `mean ${count(ingest.meanChunkChars)} chars), LocalEmbedder (${new LocalEmbedder().dimensions} dims), one replaceChunks transaction per source.`,
  );
  lines.push(
    table([
      ['Stage', 'Chunks', 'Time', 'Chunks/s', 'Share'],
      ['chunkText', count(ingest.chunks), msText(ingest.chunkMs), perSecond(ingest.chunks, ingest.chunkMs), share(ingest.chunkMs)],
      ['embed (batches of 64)', count(ingest.chunks), msText(ingest.embedMs), perSecond(ingest.chunks, ingest.embedMs), share(ingest.embedMs)],
      ['replaceChunks (chunk + FTS + vec rows)', count(ingest.chunks), msText(ingest.writeMs), perSecond(ingest.chunks, ingest.writeMs), share(ingest.writeMs)],
      ['chunk + embed + store', count(ingest.chunks), msText(ingestTotal), perSecond(ingest.chunks, ingestTotal), '100%'],
      ['ingestSource end to end (text sources)', count(ingest.endToEnd.chunks), msText(ingest.endToEnd.ms), perSecond(ingest.endToEnd.chunks, ingest.endToEnd.ms), ''],
    ]),
  );

  lines.push('');
  lines.push(
    `Knowledge retrieval: one agent grown to ${retrieval.map((result) => count(result.size)).join(' then ')} chunks (synthetic topic-clustered text, ` +
      `sources of ${CHUNKS_PER_SOURCE} chunks of ~850 chars). ${retrieval[0]?.queries ?? 0} queries per size (3–5 words of a random chunk + 1 noise word) ` +
      `after ${report.plan.warmup} warm-up; searchKnowledge limit ${LIMIT}, so each stage fetches ${DEPTH}.`,
  );
  lines.push(
    `Corpus build: ${builds.map((build) => `+${count(build.chunks)} chunks in ${((build.generateMs + build.embedMs + build.writeMs) / 1000).toFixed(1)} s (text ${(build.generateMs / 1000).toFixed(1)} s, embed ${(build.embedMs / 1000).toFixed(1)} s, replaceChunks ${(build.writeMs / 1000).toFixed(1)} s)`).join('; ')}.`,
  );
  const rows: string[][] = [['Retrieval', 'Chunks', 'p50', 'p95', 'mean']];
  for (const result of retrieval) {
    const row = (label: string, value: Latency, first = false) => [label, first ? count(result.size) : '', msText(value.p50), msText(value.p95), msText(value.mean)];
    rows.push(
      row('searchKnowledge (hybrid, whole call)', result.search, true),
      row('  embed query', result.embed),
      row(`  nearest k=${DEPTH} (in-memory WASM SIMD scan)`, result.knn),
      row(`  matching ${DEPTH} (FTS5 BM25; ~${count(result.ftsMatchedRows)} rows match)`, result.fts),
      row('  fusion + chunk rows + distances', result.rest),
      row(`preview_knowledge tool (${result.tool.calls} calls)`, result.tool),
      row('reference: exact top-10, plain JS scan', result.jsScan),
      [`recall@10 nearest vs exact`, '', result.recallAt10.toFixed(3), '', ''],
      [`source chunk in the top ${LIMIT}`, '', `${Math.round(result.sourceInTop * 100)}%`, '', ''],
    );
  }
  lines.push(table(rows));
  lines.push(
    '\nStages are timed again one at a time after the whole-call pass; "fusion + …" is, per query, the whole call minus the three\n' +
      'stages. The JS scan is the exact answer recall is checked against (dot product over the same Float32 vectors, unit length).\n' +
      `"source chunk in the top ${LIMIT}": how often the chunk a query phrase was cut from comes back (a quality baseline, not a goal;\n` +
      'low because many chunks of one topic share those words).',
  );
  return lines.join('\n');
}

/** GOAL lines for the knowledge section (the largest corpus size is the one the goals speak of). */
export function knowledgeGoals(report: KnowledgeReport): string[] {
  const ingestRate = ingestChunksPerSecond(report);
  const largest = report.retrieval[report.retrieval.length - 1];
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'MISS');
  return [
    `GOAL knowledge ingestion ≥ ${KNOWLEDGE_GOALS.ingestChunksPerSecond} chunks/s: measured ${count(ingestRate)}/s → ${verdict(ingestRate >= KNOWLEDGE_GOALS.ingestChunksPerSecond)}`,
    `GOAL knowledge searchKnowledge p95 ≤ ${KNOWLEDGE_GOALS.searchP95Ms} ms at ${count(largest.size)} chunks: measured ${msText(largest.search.p95)} → ${verdict(largest.search.p95 <= KNOWLEDGE_GOALS.searchP95Ms)}`,
    `GOAL knowledge vector recall@10 ≥ ${KNOWLEDGE_GOALS.recallAt10} at ${count(largest.size)} chunks: measured ${largest.recallAt10.toFixed(3)} → ${verdict(largest.recallAt10 >= KNOWLEDGE_GOALS.recallAt10)}`,
  ];
}
