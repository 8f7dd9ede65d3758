-- Per-user override of [limits] max_concurrent_requests; NULL = the
-- configured default, 0 = unlimited. Counted per host in shared memory, not
-- here: only the limit lives in the database.
ALTER TABLE users
    ADD COLUMN IF NOT EXISTS max_concurrent_requests INT NULL;
