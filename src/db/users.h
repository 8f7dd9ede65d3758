// The users table.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "db/pool.h"

namespace llmapi::db {

struct User {
    int64_t id = 0;
    std::string username;
    std::string email;
    std::string password;  // encoded hash
    bool is_active = false;
    std::string date_joined;        // ISO 8601, UTC, as DRF renders it
    long requests_per_minute = -1;  // per-user override of [limits]; -1 = the default
    long tokens_per_day = -1;
    long max_concurrent_requests = -1;
};

enum class CreateUserResult { Created, Duplicate };

CreateUserResult create_user(Pool& pool, const std::string& username, const std::string& email,
                             const std::string& password_hash);
std::optional<User> find_user_by_username(Pool& pool, const std::string& username);
std::optional<User> find_user_by_id(Pool& pool, int64_t id);
void set_user_password(Pool& pool, int64_t id, const std::string& password_hash);

}  // namespace llmapi::db
