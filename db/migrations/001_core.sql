-- Orgs, people and credentials.
CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX users_org ON users(org_id);

-- Secret keys (flowyte_sk_…): only a SHA-256 of the secret is stored.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  last_four TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_org ON api_keys(org_id);

-- Dashboard session tokens (flowyte_sess_…), hashed like keys.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  secret_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- Browser-safe keys (flowyte_pk_…), pinned to one agent and a list of origins.
CREATE TABLE publishable_keys (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  allowed_origins TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX publishable_keys_org ON publishable_keys(org_id, agent_id);

-- Server-wide settings such as the cursor-signing secret.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Agents: the draft is one JSON document; `version` counts draft edits for If-Match.
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  draft TEXT NOT NULL,
  version INTEGER NOT NULL,
  published_version_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE INDEX agents_org ON agents(org_id, id);

-- Published versions: immutable compiled configs, numbered per agent.
CREATE TABLE agent_versions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  number INTEGER NOT NULL,
  note TEXT,
  published_by TEXT NOT NULL,
  draft_version INTEGER NOT NULL,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (agent_id, number)
);
CREATE INDEX agent_versions_org ON agent_versions(org_id, agent_id, id);

-- Keyed by (org_id, id) without a rowid: one b-tree per insert, and each org's log is contiguous.
CREATE TABLE audit_logs (
  id TEXT NOT NULL,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  via TEXT NOT NULL,
  method TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  status INTEGER NOT NULL,
  duration_ms REAL NOT NULL,
  request_id TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, id)
) WITHOUT ROWID;

-- Idempotency-Key records, per org.
CREATE TABLE idempotency_keys (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  key TEXT NOT NULL,
  tool TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  response TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, key)
);

-- Pending confirmations for destructive MCP calls, bound to the exact arguments.
CREATE TABLE confirmations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  actor_id TEXT NOT NULL,
  tool TEXT NOT NULL,
  arguments_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
