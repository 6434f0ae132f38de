-- A lead that reached D1 through the spill (edge/intake/spill.ts): when it was spilled, why D1
-- refused it then, and when the maintenance run imported it. NULL for every lead D1 took at once.
ALTER TABLE leads ADD COLUMN spilled_at TEXT;
ALTER TABLE leads ADD COLUMN spill_reason TEXT;
ALTER TABLE leads ADD COLUMN imported_at TEXT;

-- The sweep looks for open deliveries by when they fall due (edge/delivery/store.ts, takeStranded):
-- on this index it reads only rows already due, never the retries still waiting for their time.
DROP INDEX deliveries_open;
CREATE INDEX deliveries_due ON deliveries (COALESCE(next_attempt_at, updated_at)) WHERE status IN ('pending', 'retrying');
