-- Personal API keys (API.md section 8). Only the SHA-256 of a key is kept
-- (looked up by it through the unique index); `prefix` is the key's first
-- 12 characters, shown in lists. providers/models are JSON arrays, NULL = no
-- restriction; requests_per_minute/tokens_per_day NULL = no limit of the
-- key's own. Deleting a user deletes its keys.
CREATE TABLE IF NOT EXISTS api_keys (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    name VARCHAR(64) NOT NULL,
    key_hash BINARY(32) NOT NULL,
    prefix CHAR(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    last_used_at DATETIME(6) NULL,
    providers TEXT NULL,
    models TEXT NULL,
    requests_per_minute INT NULL,
    tokens_per_day BIGINT NULL,
    UNIQUE KEY api_keys_hash (key_hash),
    KEY api_keys_user (user_id, created_at),
    CONSTRAINT api_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The key a usage row was made with (NULL: an access token).
ALTER TABLE usage_events
    ADD COLUMN IF NOT EXISTS api_key_id BIGINT NULL,
    ADD KEY IF NOT EXISTS usage_key_time (api_key_id, started_at);

-- A key's own requests_per_minute and tokens_per_day, counted as the user's are.
CREATE TABLE IF NOT EXISTS key_rate_windows (
    key_id BIGINT NOT NULL,
    window_start DATETIME NOT NULL,
    requests INT NOT NULL,
    PRIMARY KEY (key_id, window_start)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS key_token_days (
    key_id BIGINT NOT NULL,
    day DATE NOT NULL,
    tokens BIGINT NOT NULL,
    PRIMARY KEY (key_id, day)
) ENGINE=InnoDB;
