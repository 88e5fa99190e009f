-- Probe scenarios saved on an agent (a publish with requireProbes runs every one of them) and
-- probe runs: one scripted conversation against an agent, worked as a durable job, with its
-- per-turn results appended as they complete and its quality gates once it is finished.
CREATE TABLE probe_scenarios (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  -- The scenario and its gate limits, as JSON.
  scenario TEXT NOT NULL,
  gates TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- Saving a scenario under a name it already has replaces it.
CREATE UNIQUE INDEX probe_scenarios_name ON probe_scenarios(org_id, agent_id, name);

CREATE TABLE probe_runs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  status TEXT NOT NULL,
  draft INTEGER NOT NULL,
  scenario TEXT NOT NULL,
  gate_limits TEXT NOT NULL,
  version_id TEXT,
  conversation_id TEXT,
  -- Results so far, as a JSON array; the gates (JSON) and any error once finished.
  turns TEXT NOT NULL DEFAULT '[]',
  gates TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE INDEX probe_runs_agent ON probe_runs(org_id, agent_id, id);
