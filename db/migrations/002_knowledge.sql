-- Uploaded files, kept until attached to something or until they expire. An expired file keeps
-- its row without content, so that its id answers file_expired rather than not_found.
CREATE TABLE files (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content BLOB,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attached_at TEXT
);
CREATE INDEX files_org ON files(org_id, id);
CREATE INDEX files_expiry ON files(expires_at) WHERE attached_at IS NULL AND content IS NOT NULL;

-- Knowledge sources of an agent. `content` is the extracted full text of the last successful index.
CREATE TABLE knowledge_sources (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL,
  url TEXT,
  file_id TEXT,
  input TEXT,
  status TEXT NOT NULL,
  error TEXT,
  title TEXT,
  content TEXT,
  content_hash TEXT,
  chunk_count INTEGER NOT NULL DEFAULT 0,
  auto_refresh INTEGER NOT NULL DEFAULT 0,
  refresh_interval_hours INTEGER NOT NULL DEFAULT 168,
  next_refresh_at TEXT,
  last_checked_at TEXT,
  last_changed_at TEXT,
  indexed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX knowledge_sources_agent ON knowledge_sources(org_id, agent_id, id);
CREATE INDEX knowledge_sources_refresh ON knowledge_sources(next_refresh_at) WHERE auto_refresh = 1;

-- Chunks; their integer id is also the rowid of their full-text row and of their vector.
CREATE TABLE knowledge_chunks (
  id INTEGER PRIMARY KEY,
  org_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  source_id TEXT NOT NULL REFERENCES knowledge_sources(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  heading_path TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX knowledge_chunks_source ON knowledge_chunks(source_id, position);

CREATE VIRTUAL TABLE knowledge_fts USING fts5(
  text, heading_path, agent_id UNINDEXED, source_id UNINDEXED,
  tokenize = 'unicode61 remove_diacritics 2'
);

-- Durable background jobs, worked in-process with leases.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  org_id TEXT,
  kind TEXT NOT NULL,
  subject_id TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  run_after TEXT NOT NULL,
  lease_expires_at TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX jobs_ready ON jobs(status, run_after);
-- At most one queued or running job per kind and subject (e.g. one ingestion per source).
CREATE UNIQUE INDEX jobs_one_active ON jobs(kind, subject_id) WHERE status IN ('queued', 'running') AND subject_id IS NOT NULL;

-- Domain events, kept for webhook delivery.
CREATE TABLE events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX events_org ON events(org_id, id);

-- Bumped whenever an agent's passages change, so that any process holding the agent's vectors in
-- memory can tell that they are stale.
CREATE TABLE knowledge_versions (
  agent_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
