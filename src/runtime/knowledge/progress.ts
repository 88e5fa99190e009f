/**
 * Progress of one ingestion, written to the source's row so that any process polling the source
 * sees it. Writes are rationed (a stage change, every PAGES_PER_WRITE pages, one per embedding
 * batch): an 800-page PDF costs a few dozen small updates, not one per page or passage.
 */
import type { IngestionProgress, IngestionStage, KnowledgeStore } from '../../store/knowledge.ts';

export const PAGES_PER_WRITE = 10;

export const INITIAL_PROGRESS: IngestionProgress = { stage: 'extracting', pagesDone: null, pagesTotal: null, chunksDone: null, chunksTotal: null };

export class ProgressReporter {
  private progress: IngestionProgress = INITIAL_PROGRESS;

  constructor(private readonly knowledge: KnowledgeStore, private readonly sourceId: string) {}

  /** A new stage began; `counts` are what is known on entering it (e.g. how many chunks to embed). */
  stage(stage: IngestionStage, counts: Partial<Omit<IngestionProgress, 'stage'>> = {}): void {
    this.write({ ...this.progress, ...counts, stage });
  }

  /** A page was read; written every PAGES_PER_WRITE pages and at the last one. */
  page(pagesDone: number, pagesTotal: number): void {
    this.progress = { ...this.progress, pagesDone, pagesTotal };
    if (pagesDone % PAGES_PER_WRITE === 0 || pagesDone === pagesTotal) this.write(this.progress);
  }

  /** A batch of chunks was embedded. */
  chunks(chunksDone: number): void {
    this.write({ ...this.progress, chunksDone });
  }

  private write(progress: IngestionProgress): void {
    this.progress = progress;
    this.knowledge.setProgress(this.sourceId, progress);
  }
}
