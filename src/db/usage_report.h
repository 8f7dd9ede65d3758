// Usage across users, for the operator's report (llm-api-admin usage).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/pool.h"

namespace llmapi::db {

struct UserUsageRow {
    int64_t user_id = 0;
    std::string username;  // empty when the user has been deleted since
    std::string provider, model;
    long requests = 0, prompt_tokens = 0, completion_tokens = 0;
};

// Usage in [since, until) ("YYYY-MM-DD HH:MM:SS[.ffffff]" UTC) by user,
// provider and model (the model the client asked for), ordered by username;
// one user's only when `user_id` is given.
std::vector<UserUsageRow> usage_by_user(Pool& pool, std::optional<int64_t> user_id, const std::string& since,
                                        const std::string& until);

}  // namespace llmapi::db
