-- The copilot: threads of requests and replies, and the destructive tool calls it paused until the
-- person confirms them (run once, exactly as stored).
CREATE TABLE assist_threads (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  -- Set for an agent's assistant (POST /agents/{id}/assist).
  agent_id TEXT,
  title TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX assist_threads_org ON assist_threads(org_id, updated_at);

CREATE TABLE assist_messages (
  thread_id TEXT NOT NULL REFERENCES assist_threads(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  -- user · assistant
  role TEXT NOT NULL,
  content TEXT NOT NULL,
  -- JSON: the tool calls the turn made, the changes it applied, the actions it paused.
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (thread_id, seq)
) WITHOUT ROWID;

CREATE TABLE assist_actions (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  thread_id TEXT NOT NULL REFERENCES assist_threads(id) ON DELETE CASCADE,
  tool TEXT NOT NULL,
  -- JSON: the exact, already validated input that runs on confirmation.
  input TEXT NOT NULL,
  summary TEXT NOT NULL,
  -- pending · done · failed · rejected
  status TEXT NOT NULL,
  -- JSON: what the tool answered, or the problem.
  result TEXT,
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX assist_actions_thread ON assist_actions(thread_id, id);
