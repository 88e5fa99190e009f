-- Phone numbers an org owns (bought from the carrier, or imported from its own carrier account),
-- and short holds on numbers still for sale, so that a number cannot be bought from under someone
-- who is checking out.
CREATE TABLE phone_numbers (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  e164 TEXT NOT NULL,
  number_type TEXT NOT NULL CHECK (number_type IN ('local', 'toll_free')),
  locality TEXT,
  administrative_area TEXT,
  area_code TEXT,
  -- JSON array: voice, sms, mms, fax.
  features TEXT NOT NULL,
  -- The opaque label of the carrier behind the line.
  provider TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('purchased', 'imported')),
  status TEXT NOT NULL CHECK (status IN ('available', 'assigned', 'released')),
  agent_id TEXT REFERENCES agents(id),
  -- The monthly rental agreed at purchase (0 for imported numbers, which pay none).
  monthly_cost_cents INTEGER NOT NULL,
  -- Rent is paid up to this time; the background tick charges the next month once it passes.
  paid_through TEXT,
  created_at TEXT NOT NULL,
  released_at TEXT
);
-- A number is owned by at most one org of the deployment at a time; a released one may be bought again.
CREATE UNIQUE INDEX phone_numbers_e164 ON phone_numbers(e164) WHERE status != 'released';
CREATE INDEX phone_numbers_org ON phone_numbers(org_id, id);
CREATE INDEX phone_numbers_agent ON phone_numbers(org_id, agent_id);
CREATE INDEX phone_numbers_rent_due ON phone_numbers(paid_through) WHERE source = 'purchased' AND status != 'released';

-- A hold is active until expires_at, unless released by its org or consumed by a purchase or import.
CREATE TABLE number_reservations (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  e164 TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'released', 'consumed')),
  created_at TEXT NOT NULL
);
CREATE INDEX number_reservations_e164 ON number_reservations(e164, status, expires_at);

-- Probes over a phone line (the agent's assigned number) as well as in-process loopback.
ALTER TABLE probe_runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'loopback';
