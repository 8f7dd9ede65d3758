#include "limits/policy.h"

#include "db/limits.h"

namespace llmapi::limits {

namespace {

long effective(long user_override, long configured) { return user_override >= 0 ? user_override : configured; }

}  // namespace

std::optional<Refusal> Policy::count_request(const db::User& user, long now) {
    const long limit = effective(user.requests_per_minute, cfg_.requests_per_minute);
    if (limit <= 0) return std::nullopt;  // 0 = unlimited
    if (db::count_request(pool_, user.id, limit, now)) return std::nullopt;
    return Refusal{"Rate limit reached: " + std::to_string(limit) + " requests per minute.", "rate_limit_exceeded",
                   60 - now % 60};
}

std::optional<Refusal> Policy::check_token_quota(const db::User& user, long now) {
    const long quota = effective(user.tokens_per_day, cfg_.tokens_per_day);
    if (quota <= 0) return std::nullopt;
    if (db::tokens_today(pool_, user.id) < quota) return std::nullopt;
    return Refusal{"Token quota reached: " + std::to_string(quota) + " tokens per day (UTC).", "quota_exceeded",
                   86400 - now % 86400};
}

}  // namespace llmapi::limits
