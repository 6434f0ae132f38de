-- The consent section as the consumer's browser rendered it when they submitted (the form's
-- consents, or the offers with their texts; never an answer), sent by the widget with the lead, and
-- its SHA-256 taken by the relay on receipt. Written in the lead's own batch; a consent certificate
-- quotes it.
CREATE TABLE consent_snapshots (
  lead_id TEXT PRIMARY KEY REFERENCES leads (id),
  markup TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  received_at TEXT NOT NULL
);
