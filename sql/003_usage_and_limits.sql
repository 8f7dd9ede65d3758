-- One row per chat request (streams too, and streams the client abandoned).
-- event_id makes replaying the local spool file exactly-once (INSERT IGNORE).
CREATE TABLE IF NOT EXISTS usage_events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    event_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id BIGINT NOT NULL,
    provider VARCHAR(64) NOT NULL,
    model_requested VARCHAR(255) NOT NULL,
    model_answered VARCHAR(255) NOT NULL DEFAULT '',
    prompt_tokens INT NOT NULL DEFAULT 0,
    completion_tokens INT NOT NULL DEFAULT 0,
    reasoning_tokens INT NOT NULL DEFAULT 0,
    status SMALLINT NOT NULL,
    upstream_ms INT NOT NULL DEFAULT 0,
    streamed TINYINT(1) NOT NULL DEFAULT 0,
    client_disconnected TINYINT(1) NOT NULL DEFAULT 0,
    estimated TINYINT(1) NOT NULL DEFAULT 0,  -- tokens counted by us, not reported by the provider
    started_at DATETIME(6) NOT NULL,
    UNIQUE KEY usage_event_id (event_id),
    KEY usage_user_time (user_id, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-user overrides of [limits]; NULL = the configured default.
ALTER TABLE users
    ADD COLUMN IF NOT EXISTS requests_per_minute INT NULL,
    ADD COLUMN IF NOT EXISTS tokens_per_day BIGINT NULL;

-- Requests per user per one-minute window, counted atomically in the
-- database so the limit holds across worker processes and hosts.
CREATE TABLE IF NOT EXISTS rate_windows (
    user_id BIGINT NOT NULL,
    window_start DATETIME NOT NULL,
    requests INT NOT NULL,
    PRIMARY KEY (user_id, window_start)
) ENGINE=InnoDB;

-- Tokens per user per UTC day (prompt + completion), for tokens_per_day.
CREATE TABLE IF NOT EXISTS token_days (
    user_id BIGINT NOT NULL,
    day DATE NOT NULL,
    tokens BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
) ENGINE=InnoDB;
