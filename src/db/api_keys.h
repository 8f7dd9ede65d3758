// The api_keys table (sql/005_api_keys.sql): a user's personal API keys,
// kept as the SHA-256 of the key only.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.h"

namespace llmapi::db {

struct ApiKey {
    int64_t id = 0;
    int64_t user_id = 0;
    std::string name;
    std::string prefix;
    std::string created_at;    // DRF's ISO 8601
    std::string expires_at;    // "" = never
    std::string revoked_at;    // "" = live
    std::string last_used_at;  // "" = never used
    long expires_unix = 0;     // 0 = never
    std::optional<std::vector<std::string>> providers;  // nullopt = any
    std::optional<std::vector<std::string>> models;     // exact ids and "prefix*"; nullopt = any
    long requests_per_minute = -1;  // -1 = no limit of the key's own
    long tokens_per_day = -1;

    bool revoked() const { return !revoked_at.empty(); }
    bool expired(long now) const { return expires_unix > 0 && now >= expires_unix; }
};

struct NewKeyRow {
    int64_t user_id = 0;
    std::string name;
    std::string hash;              // 32 raw bytes
    std::string prefix;
    std::optional<int64_t> expires_us;  // unix µs
    std::optional<std::vector<std::string>> providers, models;
    long requests_per_minute = -1, tokens_per_day = -1;
};

enum class CreateKeyStatus { Created, NameTaken, TooMany };
struct CreateKeyResult {
    CreateKeyStatus status = CreateKeyStatus::Created;
    std::optional<ApiKey> key;  // when Created
};

// Inserts the key unless the user already has a live key (neither revoked
// nor expired at `now`) of that name, or `max_live` live keys: checked and
// inserted in one transaction holding the user's row, so concurrent creates
// cannot pass either check together.
CreateKeyResult create_api_key(Pool& pool, const NewKeyRow& row, long max_live, long now);

// The user's keys, newest first (all users' when user_id is nullopt: the admin tool).
std::vector<ApiKey> list_api_keys(Pool& pool, std::optional<int64_t> user_id);
// One key, when it is the user's (any user's when user_id is nullopt).
std::optional<ApiKey> get_api_key(Pool& pool, std::optional<int64_t> user_id, int64_t id);
// Sets revoked_at, once (a revoked key keeps its first revoked_at). False:
// no such key (of that user).
bool revoke_api_key(Pool& pool, std::optional<int64_t> user_id, int64_t id);
// The key with this SHA-256 (32 raw bytes), revoked and expired ones included.
std::optional<ApiKey> find_api_key_by_hash(Pool& pool, const std::string& hash);
// last_used_at = the given time (unix µs) for each key, never moved back.
void touch_api_keys(Pool& pool, const std::vector<std::pair<int64_t, int64_t>>& id_and_time_us);

}  // namespace llmapi::db
