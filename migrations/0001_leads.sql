-- Leads, one row per destination, and every delivery attempt. A lead is written here before the
-- relay answers 202; the queue only carries delivery ids.
CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  form_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'accepted',
  fields TEXT NOT NULL,
  consent TEXT NOT NULL,
  context TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  idempotency_key TEXT,
  body_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX leads_idempotency ON leads (form_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX leads_form_created ON leads (form_id, created_at);
CREATE INDEX leads_status_created ON leads (status, created_at);

CREATE TABLE deliveries (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads (id),
  destination INTEGER NOT NULL,
  provider TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  -- A replay starts a fresh budget of attempts from here.
  replay_from INTEGER NOT NULL DEFAULT 0,
  reference TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (lead_id, destination)
);

CREATE TABLE attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL REFERENCES deliveries (id),
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  http_status INTEGER,
  outcome TEXT NOT NULL,
  reason TEXT,
  response TEXT
);
CREATE INDEX attempts_delivery ON attempts (delivery_id, attempt);
