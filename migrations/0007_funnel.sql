-- The funnel, rolled up by hour: what the admin page and /v1/admin/stats read, locally and on
-- Cloudflare alike (Analytics Engine gets each event too where the relay runs on Cloudflare).
-- Empty strings and -1 stand for "none" so the key stays a plain primary key.
CREATE TABLE funnel_hourly (
  form_id TEXT NOT NULL,
  hour TEXT NOT NULL,
  origin TEXT NOT NULL,
  utm_source TEXT NOT NULL,
  type TEXT NOT NULL,
  step INTEGER NOT NULL,
  code TEXT NOT NULL,
  count INTEGER NOT NULL,
  -- The sum of the events' own counts (offers shown or chosen).
  total INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (form_id, hour, origin, utm_source, type, step, code)
);
CREATE INDEX funnel_hourly_hour ON funnel_hourly (hour);

-- The partner site a lead came from (its page's origin): not personal, so it outlives retention.
ALTER TABLE leads ADD COLUMN origin TEXT;
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX attempts_started ON attempts (started_at);

-- The last alert per provider, so an operator hears at most one an hour about each.
CREATE TABLE alerts (
  provider TEXT PRIMARY KEY,
  last_sent_at TEXT NOT NULL,
  last_kind TEXT NOT NULL
);
