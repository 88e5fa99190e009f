-- Billing: priced usage items (replacing the unpriced usage events), the plan each org is on with
-- its current period, the invoices issued when a period closes, and metered usage the wallet
-- could not cover yet (collected from the next credit).
CREATE TABLE usage_items (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  agent_id TEXT,
  conversation_id TEXT,
  number_id TEXT,
  -- voice · chat · transfer_minute · number
  channel TEXT NOT NULL,
  -- voice_minute · toll_free_minute · chat_message · transfer_minute · number_rental · number_setup
  kind TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  -- Voice minutes the plan's allowance covered (billed at 0).
  included_quantity INTEGER NOT NULL DEFAULT 0,
  unit_cents INTEGER NOT NULL,
  credits INTEGER NOT NULL,
  idempotency_key TEXT,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX usage_items_key ON usage_items(org_id, idempotency_key);
CREATE INDEX usage_items_org ON usage_items(org_id, created_at);
CREATE INDEX usage_items_agent ON usage_items(org_id, agent_id, created_at);

-- Usage metered before billing priced it carries no charge.
INSERT INTO usage_items (id, org_id, agent_id, conversation_id, channel, kind, quantity, unit_cents, credits, created_at)
  SELECT id, org_id, agent_id, conversation_id, channel,
         CASE kind WHEN 'message' THEN 'chat_message' ELSE 'voice_minute' END,
         CASE kind WHEN 'voice_second' THEN (quantity + 59) / 60 ELSE quantity END,
         0, 0, created_at
  FROM usage_events;
DROP TABLE usage_events;

CREATE TABLE subscriptions (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  plan_id TEXT NOT NULL,
  current_period_start TEXT NOT NULL,
  current_period_end TEXT NOT NULL,
  -- A cheaper plan chosen mid-period starts at the next renewal.
  pending_plan_id TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX subscriptions_due ON subscriptions(current_period_end);

CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  -- Per org, in the order issued: 1, 2, 3…
  sequence INTEGER NOT NULL,
  plan_id TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end TEXT NOT NULL,
  -- JSON: [{ description, kind, quantity, includedQuantity, credits }]
  lines TEXT NOT NULL,
  total_cents INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX invoices_sequence ON invoices(org_id, sequence);

ALTER TABLE wallets ADD COLUMN owed_cents INTEGER NOT NULL DEFAULT 0;
