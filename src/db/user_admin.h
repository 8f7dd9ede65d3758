// Operator changes to the users table (llm-api-admin): activation, per-user
// limits, and users imported from the Django service.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/pool.h"

namespace llmapi::db {

void set_user_active(Pool& pool, int64_t id, bool active);

// The per-user overrides of [limits]; -1 stores NULL (use the configured default).
void set_user_requests_per_minute(Pool& pool, int64_t id, long limit);
void set_user_tokens_per_day(Pool& pool, int64_t id, long quota);
void set_user_max_concurrent(Pool& pool, int64_t id, long limit);  // -1 = NULL (the default)

struct ImportedUser {
    std::string username;
    std::string email;
    std::string password;  // Django's encoded hash, verbatim
    bool is_active = true;
    std::string date_joined;  // "YYYY-MM-DD HH:MM:SS.ffffff" UTC
    std::optional<std::string> last_login;
};

enum class ImportResult { Inserted, Updated };

// Inserts the user; when the username exists, updates its email, password and
// is_active instead (id, date_joined, last_login and limits are kept).
ImportResult upsert_imported_user(Pool& pool, const ImportedUser& u);

}  // namespace llmapi::db
