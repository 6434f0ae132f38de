-- The archive (edge/archive/): a finished lead past its form's archiveAfterDays is written to R2 as
-- one object, then its rows leave D1. What stays is this row: enough to find the lead (its id, form,
-- time, identifier hashes, object), to keep the numbers exact (status, origin, UTM source, each
-- delivery's provider and status, each attempt's provider, time and duration) and its tombstone.
CREATE TABLE archived_leads (
  id TEXT PRIMARY KEY,
  form_id TEXT NOT NULL,
  status TEXT NOT NULL,
  origin TEXT,
  utm_source TEXT,
  email_hash TEXT,
  phone_hash TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- The last time anything happened to the lead: no attempt of it started later.
  last_activity_at TEXT NOT NULL,
  -- [[provider, 1 for a delivery or 0 for a step, status], …]
  deliveries TEXT NOT NULL,
  -- [[provider, started_at, duration_ms], …]
  attempts TEXT NOT NULL,
  object_key TEXT NOT NULL,
  -- The SHA-256 of the object as archived, as that day's manifest lists it.
  sha256 TEXT NOT NULL,
  archived_at TEXT NOT NULL,
  archived_day TEXT NOT NULL,
  -- Set when retention or an erasure rewrote the object without the lead's personal data.
  purged_at TEXT,
  -- The tombstone of an erasure, as JSON.
  erasure TEXT
);
CREATE INDEX archived_leads_created ON archived_leads (created_at);
CREATE INDEX archived_leads_form_created ON archived_leads (form_id, created_at);
CREATE INDEX archived_leads_status_created ON archived_leads (status, created_at);
CREATE INDEX archived_leads_activity ON archived_leads (last_activity_at);
CREATE INDEX archived_leads_day ON archived_leads (archived_day);
CREATE INDEX archived_leads_email_hash ON archived_leads (email_hash) WHERE email_hash IS NOT NULL;
CREATE INDEX archived_leads_phone_hash ON archived_leads (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX archived_leads_unpurged ON archived_leads (form_id, created_at) WHERE purged_at IS NULL;

-- The sealed manifests of each day's archived leads (R2 `manifests/<day>.json`), on shard 0 only:
-- one chain for the deployment, each manifest carrying the SHA-256 of the one before.
CREATE TABLE archive_manifests (
  day TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  previous_day TEXT,
  count INTEGER NOT NULL,
  sealed_at TEXT NOT NULL
);

-- One archive run at a time (the every-minute Cron runs overlap): a lease with its end, on shard 0.
CREATE TABLE maintenance_leases (
  task TEXT PRIMARY KEY,
  until TEXT NOT NULL
);
