/** Knowledge sources, their chunks, full-text rows (FTS5) and vectors (sqlite-vec), per agent. */
import type { Db } from './db.ts';
import { writeTransaction } from './db.ts';
import { newId } from '../ids.ts';
import { pageClause, toPage, type Page, type PageRequest } from './page.ts';

/** Weekly, unless a source says otherwise (the column's default too). */
export const DEFAULT_REFRESH_HOURS = 168;

export type SourceKind = 'url' | 'file' | 'text' | 'faq';
/** pending → processing (a job is working on it) → indexed | error. */
export type SourceStatus = 'pending' | 'processing' | 'indexed' | 'error';

export type IngestionStage = 'extracting' | 'chunking' | 'embedding' | 'indexing';

/** How far the job working on a source has got; pages only for paged formats (PDF), chunks once known. */
export interface IngestionProgress {
  stage: IngestionStage;
  pagesDone: number | null;
  pagesTotal: number | null;
  chunksDone: number | null;
  chunksTotal: number | null;
}

export interface SourceRecord {
  id: string;
  orgId: string;
  agentId: string;
  kind: SourceKind;
  label: string;
  url: string | null;
  fileId: string | null;
  /** Inline text, or FAQ pairs as JSON, for text and faq sources. */
  input: string | null;
  status: SourceStatus;
  error: string | null;
  title: string | null;
  contentHash: string | null;
  chunkCount: number;
  /** Set while `processing`, null otherwise. */
  progress: IngestionProgress | null;
  autoRefresh: boolean;
  refreshIntervalHours: number;
  nextRefreshAt: string | null;
  lastCheckedAt: string | null;
  lastChangedAt: string | null;
  indexedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IndexedChunk {
  position: number;
  headingPath: string;
  text: string;
  embedding: Float32Array;
}

/** A stored vector, for loading an agent's vectors into memory. */
export interface StoredVector {
  id: number;
  sourceId: string;
  embedding: Float32Array;
}

/** What changed in an agent's index: a source's vectors were replaced (or removed). */
export interface IndexChange {
  agentId: string;
  sourceId: string;
  /** The agent's index version after the change. */
  version: number;
  added: StoredVector[];
}

export interface ChunkHit {
  id: number;
  sourceId: string;
  position: number;
  headingPath: string;
  text: string;
}

// Without `content` (the whole extracted text, megabytes for a long PDF): read it with `content()`
// only when a caller asks for it, so that listing and polling sources stays cheap.
const SOURCE_COLUMNS = `id, org_id AS orgId, agent_id AS agentId, kind, label, url, file_id AS fileId, input, status, error,
  title, content_hash AS contentHash, chunk_count AS chunkCount, progress, auto_refresh AS autoRefresh,
  refresh_interval_hours AS refreshIntervalHours, next_refresh_at AS nextRefreshAt, last_checked_at AS lastCheckedAt,
  last_changed_at AS lastChangedAt, indexed_at AS indexedAt, created_at AS createdAt, updated_at AS updatedAt`;

type SourceRow = Omit<SourceRecord, 'autoRefresh' | 'progress'> & { autoRefresh: number; progress: string | null };

function toSource(row: SourceRow): SourceRecord {
  return { ...row, autoRefresh: row.autoRefresh === 1, progress: row.progress === null ? null : (JSON.parse(row.progress) as IngestionProgress) };
}

/** The status a source serves with: while a re-index works, a source keeps serving the passages it has. */
export function servingStatus(source: Pick<SourceRecord, 'status' | 'indexedAt'>): SourceStatus {
  if (source.status !== 'processing') return source.status;
  return source.indexedAt ? 'indexed' : 'pending';
}

/** Fields a caller may change after creation. */
export type SourceUpdate = Partial<
  Pick<SourceRecord, 'status' | 'error' | 'title' | 'contentHash' | 'chunkCount' | 'progress' | 'autoRefresh' | 'refreshIntervalHours' | 'nextRefreshAt' | 'lastCheckedAt' | 'lastChangedAt' | 'indexedAt'> & { content: string }
>;

function columnValue(value: unknown): unknown {
  if (typeof value === 'boolean') return Number(value);
  return value !== null && typeof value === 'object' ? JSON.stringify(value) : value;
}

const UPDATE_COLUMNS: Record<keyof SourceUpdate, string> = {
  status: 'status',
  error: 'error',
  title: 'title',
  content: 'content',
  contentHash: 'content_hash',
  chunkCount: 'chunk_count',
  progress: 'progress',
  autoRefresh: 'auto_refresh',
  refreshIntervalHours: 'refresh_interval_hours',
  nextRefreshAt: 'next_refresh_at',
  lastCheckedAt: 'last_checked_at',
  lastChangedAt: 'last_changed_at',
  indexedAt: 'indexed_at',
};

export class KnowledgeStore {
  private readonly listeners = new Set<(change: IndexChange) => void>();

  constructor(private readonly db: Db, private readonly now: () => Date, readonly dimensions: number) {
    db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.knowledge_fts_terms USING fts5vocab(main, 'knowledge_fts', 'row')");
    db.exec(
      `CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_vectors USING vec0(
         agent_id TEXT PARTITION KEY, source_id TEXT, embedding FLOAT[${dimensions}] distance_metric=cosine)`,
    );
  }

  createSource(
    input: Pick<SourceRecord, 'orgId' | 'agentId' | 'kind' | 'label' | 'url' | 'fileId' | 'input'> &
      Partial<Pick<SourceRecord, 'autoRefresh' | 'refreshIntervalHours'>>,
  ): SourceRecord {
    const at = this.now().toISOString();
    const id = newId('knowledgeSource');
    this.db
      .prepare(
        `INSERT INTO knowledge_sources (id, org_id, agent_id, kind, label, url, file_id, input, status, auto_refresh,
           refresh_interval_hours, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      )
      .run(id, input.orgId, input.agentId, input.kind, input.label, input.url, input.fileId, input.input,
        Number(input.autoRefresh ?? false), input.refreshIntervalHours ?? DEFAULT_REFRESH_HOURS, at, at);
    return this.findSource(input.orgId, input.agentId, id) as SourceRecord;
  }

  findSource(orgId: string, agentId: string, id: string): SourceRecord | undefined {
    const row = this.db
      .prepare(`SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE org_id = ? AND agent_id = ? AND id = ?`)
      .get(orgId, agentId, id) as SourceRow | undefined;
    return row && toSource(row);
  }

  /** For background work, which knows only the source id. */
  findSourceById(id: string): SourceRecord | undefined {
    const row = this.db.prepare(`SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE id = ?`).get(id) as SourceRow | undefined;
    return row && toSource(row);
  }

  listSources(orgId: string, agentId: string, page: PageRequest): Page<SourceRecord> {
    const clause = pageClause(page);
    const rows = this.db
      .prepare(`SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE org_id = ? AND agent_id = ? ${clause.sql}`)
      .all(orgId, agentId, ...clause.params) as SourceRow[];
    return toPage(rows.map(toSource), page.limit);
  }

  /** Every source of an agent (for compiling its config). */
  allSources(orgId: string, agentId: string): SourceRecord[] {
    return (this.db
      .prepare(`SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE org_id = ? AND agent_id = ? ORDER BY id`)
      .all(orgId, agentId) as SourceRow[]).map(toSource);
  }

  updateSource(id: string, update: SourceUpdate): void {
    const entries = Object.entries(update).filter(([, value]) => value !== undefined) as [keyof SourceUpdate, unknown][];
    if (entries.length === 0) return;
    const assignments = entries.map(([field]) => `${UPDATE_COLUMNS[field]} = ?`).join(', ');
    const values = entries.map(([, value]) => columnValue(value));
    this.db
      .prepare(`UPDATE knowledge_sources SET ${assignments}, updated_at = ? WHERE id = ?`)
      .run(...values, this.now().toISOString(), id);
  }

  /** The extracted full text of a source's last successful index (null before one). */
  content(id: string): string | null {
    return (this.db.prepare('SELECT content FROM knowledge_sources WHERE id = ?').pluck().get(id) as string | null | undefined) ?? null;
  }

  /**
   * Record how far ingestion has got. Only while the source is processing, so that a late write
   * never gives a finished (or deleted) source progress again; updated_at stays: progress is not
   * a change of the source.
   */
  setProgress(id: string, progress: IngestionProgress): void {
    this.db.prepare("UPDATE knowledge_sources SET progress = ? WHERE id = ? AND status = 'processing'").run(JSON.stringify(progress), id);
  }

  /** Sources whose auto-refresh is due. */
  dueForRefresh(limit: number): SourceRecord[] {
    return (this.db
      .prepare(`SELECT ${SOURCE_COLUMNS} FROM knowledge_sources WHERE auto_refresh = 1 AND next_refresh_at <= ? ORDER BY next_refresh_at LIMIT ?`)
      .all(this.now().toISOString(), limit) as SourceRow[]).map(toSource);
  }

  /** Be told, after commit, whenever a source's vectors change in this process. */
  onChange(listener: (change: IndexChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The agent's index version: it moves whenever any process changes the agent's passages. */
  version(agentId: string): number {
    return (this.db.prepare('SELECT version FROM knowledge_versions WHERE agent_id = ?').pluck().get(agentId) as number | undefined) ?? 0;
  }

  private bumpVersion(agentId: string): number {
    return this.db
      .prepare(
        `INSERT INTO knowledge_versions (agent_id, version) VALUES (?, 1)
         ON CONFLICT (agent_id) DO UPDATE SET version = version + 1 RETURNING version`,
      )
      .pluck()
      .get(agentId) as number;
  }

  /** Every vector of an agent, with the version they belong to. */
  loadVectors(agentId: string): { version: number; vectors: StoredVector[] } {
    return writeTransaction(this.db, () => {
      const rows = this.db
        .prepare('SELECT rowid AS id, source_id AS sourceId, embedding FROM knowledge_vectors WHERE agent_id = ?')
        .all(agentId) as { id: number; sourceId: string; embedding: Buffer }[];
      const vectors = rows.map((row) => ({
        id: Number(row.id),
        sourceId: row.sourceId,
        embedding: new Float32Array(row.embedding.buffer.slice(row.embedding.byteOffset, row.embedding.byteOffset + row.embedding.byteLength)),
      }));
      return { version: this.version(agentId), vectors };
    });
  }

  private notify(change: IndexChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** Replace every chunk, full-text row and vector of a source, atomically. */
  replaceChunks(source: Pick<SourceRecord, 'id' | 'orgId' | 'agentId'>, chunks: IndexedChunk[], update: SourceUpdate): void {
    const added: StoredVector[] = [];
    const version = writeTransaction(this.db, () => {
      this.deleteChunks(source.id);
      const insertChunk = this.db.prepare(
        'INSERT INTO knowledge_chunks (org_id, agent_id, source_id, position, heading_path, text) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertText = this.db.prepare(
        'INSERT INTO knowledge_fts (rowid, text, heading_path, agent_id, source_id) VALUES (?, ?, ?, ?, ?)',
      );
      const insertVector = this.db.prepare(
        'INSERT INTO knowledge_vectors (rowid, agent_id, source_id, embedding) VALUES (?, ?, ?, ?)',
      );
      for (const chunk of chunks) {
        const { lastInsertRowid } = insertChunk.run(source.orgId, source.agentId, source.id, chunk.position, chunk.headingPath, chunk.text);
        const rowid = BigInt(lastInsertRowid);
        insertText.run(rowid, chunk.text, chunk.headingPath, source.agentId, source.id);
        insertVector.run(rowid, source.agentId, source.id, chunk.embedding);
        added.push({ id: Number(rowid), sourceId: source.id, embedding: chunk.embedding });
      }
      this.updateSource(source.id, { ...update, chunkCount: chunks.length });
      return this.bumpVersion(source.agentId);
    });
    this.notify({ agentId: source.agentId, sourceId: source.id, version, added });
  }

  private deleteChunks(sourceId: string): void {
    const ids = this.db.prepare('SELECT id FROM knowledge_chunks WHERE source_id = ?').pluck().all(sourceId) as number[];
    const deleteText = this.db.prepare('DELETE FROM knowledge_fts WHERE rowid = ?');
    const deleteVector = this.db.prepare('DELETE FROM knowledge_vectors WHERE rowid = ?');
    for (const id of ids) {
      deleteText.run(BigInt(id));
      deleteVector.run(BigInt(id));
    }
    this.db.prepare('DELETE FROM knowledge_chunks WHERE source_id = ?').run(sourceId);
  }

  /** Delete a source with every chunk, full-text row and vector derived from it. */
  deleteSource(orgId: string, agentId: string, id: string): boolean {
    const version = writeTransaction(this.db, () => {
      if (!this.findSource(orgId, agentId, id)) return undefined;
      this.deleteChunks(id);
      this.db.prepare('DELETE FROM knowledge_sources WHERE id = ?').run(id);
      return this.bumpVersion(agentId);
    });
    if (version === undefined) return false;
    this.notify({ agentId, sourceId: id, version, added: [] });
    return true;
  }

  /** Best BM25 matches of an FTS5 query, within one agent (and optionally some of its sources). */
  matching(agentId: string, ftsQuery: string, k: number, sourceIds?: string[]): { id: number; score: number }[] {
    const filter = sourceIds?.length ? `AND source_id IN (${sourceIds.map(() => '?').join(', ')})` : '';
    // Ordering by the built-in `rank` (bm25) lets FTS5 keep only the best rows as it goes.
    return this.db
      .prepare(
        `SELECT rowid AS id, rank AS score FROM knowledge_fts
         WHERE knowledge_fts MATCH ? AND agent_id = ? ${filter} ORDER BY rank LIMIT ?`,
      )
      .all(ftsQuery, agentId, ...(sourceIds ?? []), k) as { id: number; score: number }[];
  }

  /** In how many indexed passages each term appears, and an upper bound on how many passages there are. */
  termFrequencies(terms: string[]): { total: number; documents: Map<string, number> } {
    const total = this.db.prepare('SELECT max(id) FROM knowledge_chunks').pluck().get() as number | null;
    const lookup = this.db.prepare('SELECT doc FROM knowledge_fts_terms WHERE term = ?').pluck();
    return { total: total ?? 0, documents: new Map(terms.map((term) => [term, (lookup.get(term) as number | undefined) ?? 0])) };
  }

  chunks(ids: number[]): ChunkHit[] {
    if (ids.length === 0) return [];
    return this.db
      .prepare(
        `SELECT id, source_id AS sourceId, position, heading_path AS headingPath, text FROM knowledge_chunks
         WHERE id IN (${ids.map(() => '?').join(', ')})`,
      )
      .all(...ids) as ChunkHit[];
  }

  /** How many vectors a source has (for checks that delete removes everything). */
  vectorCount(sourceId: string): number {
    return this.db.prepare('SELECT count(*) FROM knowledge_vectors WHERE source_id = ?').pluck().get(sourceId) as number;
  }
}
