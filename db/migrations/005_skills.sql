-- Skills: the actions an agent can take mid-conversation. `parameters_schema` is what the model
-- fills in (a JSON Schema object); `execution_config` is the operator's settings, never shown to it.
CREATE TABLE skills (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  skill_type TEXT NOT NULL,
  parameters_schema TEXT NOT NULL,
  execution_config TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  requires_confirmation INTEGER NOT NULL,
  stakes TEXT NOT NULL,
  requires_verified_identity INTEGER NOT NULL,
  verification_level TEXT NOT NULL,
  allowed_fields TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX skills_agent ON skills(org_id, agent_id, id);

-- Messages the runtime leaves for people (take-a-message, emails in the stored outbox).
CREATE TABLE outbox_messages (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL,
  conversation_id TEXT,
  skill_id TEXT,
  kind TEXT NOT NULL,
  recipient TEXT,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX outbox_messages_org ON outbox_messages(org_id, id);
