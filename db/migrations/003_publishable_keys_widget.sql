-- Publishable keys grow their full shape: the public value (it is browser-safe, so it can be
-- shown again), environment, per-key rate limit, and the previous value during a rotation's
-- grace window. No rows exist before this migration: keys could not be created yet.
DROP TABLE publishable_keys;
CREATE TABLE publishable_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  env TEXT NOT NULL,
  key_public TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  previous_hash TEXT,
  previous_expires_at TEXT,
  allowed_origins TEXT NOT NULL,
  rate_limit_rpm INTEGER,
  require_identity_verification INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX publishable_keys_agent ON publishable_keys(org_id, agent_id, id);
CREATE INDEX publishable_keys_previous ON publishable_keys(previous_hash) WHERE previous_hash IS NOT NULL;

-- The chat widget's look, words and behaviour, per agent.
CREATE TABLE widget_configs (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id),
  org_id TEXT NOT NULL REFERENCES orgs(id),
  config TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
