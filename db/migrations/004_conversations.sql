-- Conversations of every channel: chat sessions, the widget, OpenAI-compatible completions,
-- simulations and (later) phone calls. A conversation runs one agent version (null while a draft
-- is being tested), keeps its transcript as messages and its receipt as ordered events.
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  version_id TEXT REFERENCES agent_versions(id),
  draft INTEGER NOT NULL,
  channel TEXT NOT NULL,
  surface TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome TEXT,
  visitor_id TEXT,
  publishable_key_id TEXT,
  end_user TEXT,
  message_count INTEGER NOT NULL DEFAULT 0,
  event_count INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  last_activity_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX conversations_org ON conversations(org_id, id);
CREATE INDEX conversations_agent ON conversations(org_id, agent_id, id);
-- Finding sessions left open, to close them after a while without activity.
CREATE INDEX conversations_idle ON conversations(last_activity_at) WHERE status = 'active';

CREATE TABLE conversation_messages (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX conversation_messages_conversation ON conversation_messages(conversation_id, id);

-- The receipt: what happened, in order. `seq` numbers the events of one conversation.
CREATE TABLE conversation_events (
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  org_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;

-- What the runtime used, for billing to price: one row per billable unit (a chat message, …).
CREATE TABLE usage_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL,
  conversation_id TEXT,
  channel TEXT NOT NULL,
  kind TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX usage_events_org ON usage_events(org_id, created_at);
