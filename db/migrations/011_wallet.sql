-- The prepaid wallet: an append-only ledger in integer cents, the running balance (changed in the
-- same write transaction as the entry that moves it), and card payments that credit it once settled.
CREATE TABLE wallets (
  org_id TEXT PRIMARY KEY REFERENCES orgs(id),
  balance_cents INTEGER NOT NULL DEFAULT 0 CHECK (balance_cents >= 0),
  auto_reload_enabled INTEGER NOT NULL DEFAULT 0,
  auto_reload_threshold_cents INTEGER NOT NULL DEFAULT 0,
  auto_reload_amount_cents INTEGER NOT NULL DEFAULT 0,
  -- 1 until a debit crosses below the threshold (one reload starts); 1 again once the balance is back.
  auto_reload_armed INTEGER NOT NULL DEFAULT 1,
  updated_at TEXT NOT NULL
);

CREATE TABLE ledger_entries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  -- Signed: credits are positive, debits negative.
  amount_cents INTEGER NOT NULL,
  kind TEXT NOT NULL,
  reason TEXT,
  reference TEXT,
  idempotency_key TEXT,
  balance_after_cents INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ledger_entries_key ON ledger_entries(org_id, idempotency_key);
CREATE INDEX ledger_entries_org ON ledger_entries(org_id, id);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  purpose TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_payment_id TEXT,
  client_secret TEXT,
  amount_cents INTEGER NOT NULL,
  currency TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  settled_at TEXT
);
CREATE INDEX payments_org ON payments(org_id, id);
CREATE UNIQUE INDEX payments_provider_id ON payments(provider, provider_payment_id);

-- Provider webhook events already handled, so a redelivered event changes nothing.
CREATE TABLE payment_events (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  received_at TEXT NOT NULL
);
