-- Ping sessions are sealed into the id the browser holds (edge/ping-post/sessions.ts): a ping writes
-- nothing. A session opened before this migration answers session_not_found at its post, and the
-- widget fetches the offers again.
DROP TABLE ping_sessions;
