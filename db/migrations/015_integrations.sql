-- Integrations: each org's connection to a provider (credentials sealed with AES-256-GCM under the
-- deployment's integrations key, never readable through the API), single-use OAuth states, the
-- schema discovery found, the tables and columns the org has scoped out, and which skills came
-- from an integration.
CREATE TABLE integration_connections (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,
  account_label TEXT,
  -- iv (12 bytes) | auth tag (16 bytes) | ciphertext of the credentials' JSON.
  credentials BLOB NOT NULL,
  connected_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;

-- An OAuth consent in progress: the state is sent to the provider and comes back once.
CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE integration_schemas (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,
  -- JSON: the normalized schema (objects, relationships, operations).
  schema TEXT NOT NULL,
  discovered_at TEXT NOT NULL,
  PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;

-- What the agent may not see or bind; kept across re-discovery and reconnection.
CREATE TABLE integration_scoping (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  kind TEXT NOT NULL,
  blocked_tables TEXT NOT NULL,
  blocked_columns TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, kind)
) WITHOUT ROWID;

-- A skill made from an integration (provisioned action, binding, pack preset) names it and what
-- it was made from, so provisioning is idempotent and removal leaves hand-made skills alone.
ALTER TABLE skills ADD COLUMN integration_kind TEXT;
ALTER TABLE skills ADD COLUMN integration_ref TEXT;
CREATE INDEX skills_integration ON skills(org_id, agent_id, integration_kind);
