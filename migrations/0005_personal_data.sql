-- Personal data has an end: a lead's identifiers are indexed by hash so a person's request finds
-- every lead of theirs, and a lead whose personal data was purged (its form's retention ran out)
-- or erased (on request) keeps its row, without it, for the numbers.
ALTER TABLE leads ADD COLUMN email_hash TEXT;
ALTER TABLE leads ADD COLUMN phone_hash TEXT;
ALTER TABLE leads ADD COLUMN purged_at TEXT;
CREATE INDEX leads_email_hash ON leads (email_hash) WHERE email_hash IS NOT NULL;
CREATE INDEX leads_phone_hash ON leads (phone_hash) WHERE phone_hash IS NOT NULL;
CREATE INDEX leads_unpurged ON leads (form_id, created_at) WHERE purged_at IS NULL;

-- One tombstone per erased lead: when, why, and which admin token asked (a hash prefix, never the
-- token); the identifier asked about is named by kind only, never by value.
CREATE TABLE erasures (
  lead_id TEXT PRIMARY KEY REFERENCES leads (id),
  erased_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  matched_by TEXT
);
