-- Guardrail policies of an agent (replaced as a whole list) and its caller-verification methods.
CREATE TABLE guardrail_policies (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  position INTEGER NOT NULL,
  policy_type TEXT NOT NULL,
  applies_to_skill_type TEXT,
  applies_to_skill_id TEXT,
  is_enabled INTEGER NOT NULL,
  config TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX guardrail_policies_agent ON guardrail_policies(org_id, agent_id, position);

CREATE TABLE caller_verification_configs (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  position INTEGER NOT NULL,
  method TEXT NOT NULL,
  required_fields TEXT NOT NULL,
  verifier_skill_id TEXT,
  token_ttl_seconds INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  step_up_for TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX caller_verification_agent ON caller_verification_configs(org_id, agent_id, position);
