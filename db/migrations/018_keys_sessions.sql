-- Secret keys and dashboard sessions become manageable: keys can expire and be rotated with a
-- grace window (the previous secret's hash keeps resolving until previous_expires_at), sessions
-- can be revoked, and both record when they were last used (written at most once a minute).
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
ALTER TABLE api_keys ADD COLUMN previous_hash TEXT;
ALTER TABLE api_keys ADD COLUMN previous_expires_at TEXT;
CREATE INDEX api_keys_previous ON api_keys(previous_hash) WHERE previous_hash IS NOT NULL;
-- Lists page newest first within an org.
DROP INDEX api_keys_org;
CREATE INDEX api_keys_org ON api_keys(org_id, id);

ALTER TABLE sessions ADD COLUMN last_used_at TEXT;
ALTER TABLE sessions ADD COLUMN revoked_at TEXT;
CREATE INDEX sessions_org ON sessions(org_id, id);
