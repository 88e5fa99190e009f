-- Observe: what each conversation came to, settled once when it ends (src/runtime/observe/settle.ts).
-- `outcome` (004) now holds answered | missed | contained | transferred | abandoned.
ALTER TABLE conversations ADD COLUMN summary TEXT;
ALTER TABLE conversations ADD COLUMN sentiment TEXT;
-- The call's length as its carrier counted it (a simulated call's clock), else the wall clock.
ALTER TABLE conversations ADD COLUMN duration_seconds INTEGER;

-- The history list filters by these within an org, newest first.
CREATE INDEX conversations_outcome ON conversations(org_id, outcome, id);
CREATE INDEX conversations_started ON conversations(org_id, started_at);

-- Full text over each ended conversation's transcript and one-line summary (one row per
-- conversation). Keyed by conversation id rather than rowid, which VACUUM may renumber.
CREATE VIRTUAL TABLE conversation_fts USING fts5(
  transcript, summary, conversation_id UNINDEXED, org_id UNINDEXED,
  tokenize = 'porter unicode61 remove_diacritics 2'
);
