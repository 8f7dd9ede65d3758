-- Users, shaped like Django's auth_user so `manage.py dumpdata auth.user`
-- exports map onto it. Usernames compare exactly (utf8mb4_bin), as Django's
-- unique constraint does on PostgreSQL and SQLite.
CREATE TABLE IF NOT EXISTS users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username VARCHAR(150) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    email VARCHAR(254) NOT NULL DEFAULT '',
    password VARCHAR(255) NOT NULL,
    is_active TINYINT(1) NOT NULL DEFAULT 1,
    date_joined DATETIME(6) NOT NULL,
    last_login DATETIME(6) NULL,
    UNIQUE KEY users_username_uniq (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
