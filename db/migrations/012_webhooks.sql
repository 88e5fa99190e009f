-- Webhook endpoints: where an org wants its domain events POSTed, signed per Standard Webhooks.
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  url TEXT NOT NULL,
  description TEXT,
  -- JSON array of subscribed event types.
  events TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- Why the platform disabled it (e.g. the receiver answered 410); null when a user did.
  disabled_reason TEXT,
  -- The whsec_… signing secret. Kept readable because every delivery is signed with it; shown once.
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints(org_id, id);

-- One event to one endpoint. Its id is the webhook-id header of every attempt.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs(id),
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_type TEXT NOT NULL,
  -- The exact JSON body, so that every attempt sends (and signs) the same bytes.
  body TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  next_retry_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);

CREATE TABLE webhook_delivery_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  attempted_at TEXT NOT NULL,
  PRIMARY KEY (delivery_id, number)
);
