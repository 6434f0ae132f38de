-- Steps: a provider call that follows a lead's delivery and carries the consumer's data or an
-- operator's choice (a LeadExec update, a Getlead status change, note, task, deal or department).
-- A step is a row of `deliveries` with its own kind and payload, so it has the delivery's states,
-- attempts, retries, dead letter and replay; `after_id` is the delivery it needs delivered first.
-- `next_attempt_at` is when a retrying one is due, so a retry the queue lost can be found and sent.
-- The table is rebuilt because one (lead, destination) may now have several rows.
PRAGMA defer_foreign_keys = on;

CREATE TABLE deliveries_new (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads (id),
  destination INTEGER NOT NULL,
  provider TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'lead',
  payload TEXT,
  after_id TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  replay_from INTEGER NOT NULL DEFAULT 0,
  reference TEXT,
  last_error TEXT,
  next_attempt_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO deliveries_new (id, lead_id, destination, provider, status, attempts, replay_from, reference, last_error, created_at, updated_at)
  SELECT id, lead_id, destination, provider, status, attempts, replay_from, reference, last_error, created_at, updated_at FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE UNIQUE INDEX deliveries_lead_destination ON deliveries (lead_id, destination) WHERE kind = 'lead';
CREATE INDEX deliveries_lead ON deliveries (lead_id, created_at);
CREATE INDEX deliveries_after ON deliveries (after_id) WHERE after_id IS NOT NULL;
CREATE INDEX deliveries_open ON deliveries (updated_at) WHERE status IN ('pending', 'retrying');

-- What an operator changed in a lead's answers, and when.
CREATE TABLE lead_changes (
  id TEXT PRIMARY KEY,
  lead_id TEXT NOT NULL REFERENCES leads (id),
  changed_at TEXT NOT NULL,
  changes TEXT NOT NULL
);
CREATE INDEX lead_changes_lead ON lead_changes (lead_id, changed_at);
