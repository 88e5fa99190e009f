-- Knowledge gaps: questions an agent's live conversations could not answer, deduplicated
-- (src/runtime/observe/gaps.ts). The receipts stay the source of truth: every listing recounts
-- them and refreshes the findings kept here. A row exists so that what people decided about a
-- gap (its status) survives the recount, and so that a gap keeps its id.
CREATE TABLE knowledge_gaps (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT NOT NULL REFERENCES agents(id),
  -- The question's words, lower-cased: the same wording never starts two gaps.
  question_key TEXT NOT NULL,
  -- The wording that started the gap, as the caller asked it.
  question TEXT NOT NULL,
  -- open | in_progress | dismissed (set by people) | covered (set when the live knowledge answers).
  status TEXT NOT NULL,
  -- What the last listing found: missing_knowledge | out_of_scope, and the counts behind the rank.
  classification TEXT NOT NULL,
  occurrences INTEGER NOT NULL,
  last_asked_at TEXT NOT NULL,
  rank_score REAL NOT NULL,
  -- JSON array of up to three conversation ids, most recent first.
  sample_conversation_ids TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (org_id, agent_id, question_key)
);
