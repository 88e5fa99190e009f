-- Playbooks: scripted multi-step flows of an agent. `graph` is the step graph as JSON
-- ({ start, nodes, edges }), NULL until its steps are first saved.
CREATE TABLE playbooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  input_schema TEXT,
  output_schema TEXT,
  enabled INTEGER NOT NULL,
  graph TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX playbooks_agent ON playbooks(org_id, agent_id, id);

-- Notes and type hints people attach to an agent's interaction variables (documentation only:
-- the variables themselves are derived from playbooks and skills).
CREATE TABLE variable_annotations (
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  name TEXT NOT NULL,
  note TEXT,
  type_hint TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (org_id, agent_id, name)
);
