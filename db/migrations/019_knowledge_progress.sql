-- Ingestion progress of a knowledge source while its job works (status `processing`), as JSON:
-- {stage, pagesDone, pagesTotal, chunksDone, chunksTotal}. NULL otherwise. Kept in the row, not in
-- memory, so that a process polling the source sees the progress of a job another process works.
ALTER TABLE knowledge_sources ADD COLUMN progress TEXT;
