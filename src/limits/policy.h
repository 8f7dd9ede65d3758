// The per-user limits of [limits] (or the user's own, from the database),
// counted in MariaDB so they hold across workers and hosts. Refusals come
// back as values; the API layer turns them into 429s in the route's style.
#pragma once
#include <optional>
#include <string>

#include "config/config.h"
#include "db/pool.h"
#include "db/users.h"

namespace llmapi::limits {

struct Refusal {
    std::string message;
    std::string code;  // rate_limit_exceeded | quota_exceeded
    long retry_after_s = 1;
};

class Policy {
public:
    Policy(const config::LimitsConfig& cfg, db::Pool& pool) : cfg_(cfg), pool_(pool) {}

    // Counts this request against requests_per_minute (fixed windows from :00).
    std::optional<Refusal> count_request(const db::User& user, long now);
    // Refuses once tokens_per_day is used up (tokens since 00:00 UTC; the
    // request that crosses the quota completes).
    std::optional<Refusal> check_token_quota(const db::User& user, long now);

private:
    const config::LimitsConfig cfg_;
    db::Pool& pool_;
};

}  // namespace llmapi::limits
