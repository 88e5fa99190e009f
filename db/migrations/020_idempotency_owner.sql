-- Running processes (API nodes, workers) on this database, so that an Idempotency-Key claim held by
-- a process that died can be taken over instead of answering 409 until the key expires.
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  pid INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL
);

-- Which instance runs a pending claim, and what the run recorded so far (e.g. the payment it
-- created), so that a run taken over after a crash finishes that work instead of repeating it.
ALTER TABLE idempotency_keys ADD COLUMN owner TEXT;
ALTER TABLE idempotency_keys ADD COLUMN effect TEXT;
