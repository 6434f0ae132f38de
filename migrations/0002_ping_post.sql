-- LeadExec ping/post: the sessions the relay opened (the order id and the offers exactly as it
-- presented them never leave the relay), the order a lead answers, and the consent evidence.
ALTER TABLE leads ADD COLUMN ping_post TEXT;

CREATE TABLE ping_sessions (
  id TEXT PRIMARY KEY,
  form_id TEXT NOT NULL,
  destination INTEGER NOT NULL,
  order_id TEXT NOT NULL,
  offers TEXT NOT NULL,
  fields_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One consent record per lead that answers a ping; a session can be posted once (UNIQUE), which the
-- lead's own insert enforces in the same transaction.
CREATE TABLE consent_records (
  lead_id TEXT PRIMARY KEY REFERENCES leads (id),
  session_id TEXT NOT NULL UNIQUE,
  order_id TEXT NOT NULL,
  form_id TEXT NOT NULL,
  texts_version TEXT NOT NULL,
  consented_at TEXT NOT NULL,
  ip TEXT,
  user_agent TEXT,
  page_url TEXT,
  phone TEXT,
  offers TEXT NOT NULL
);
