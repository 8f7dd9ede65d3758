-- Blacklisted refresh tokens (logout, rotation), by jti. Rows past
-- expires_at are useless (the token is expired anyway) and may be pruned.
CREATE TABLE IF NOT EXISTS token_blacklist (
    jti CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    expires_at DATETIME NOT NULL,
    blacklisted_at DATETIME(6) NOT NULL,
    KEY token_blacklist_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
