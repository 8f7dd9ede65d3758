#include "limits/policy.h"

#include <algorithm>
#include <iterator>


namespace llmapi::limits {

namespace {

long effective(long user_override, long configured) { return user_override >= 0 ? user_override : configured; }

constexpr long kLeaseDivisor = 16;    // permits taken at once: limit / 16 ...
constexpr long kMaxLease = 1000;      // ... at most this many
constexpr size_t kPruneAbove = 4096;  // users with a lease, before stale ones are dropped

}  // namespace

bool Policy::take_leased(int64_t lease_id, long window) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = leases_.find(lease_id);
    if (it == leases_.end() || it->second.window != window || it->second.left <= 0) return false;
    --it->second.left;
    return true;
}

void Policy::add_lease(int64_t lease_id, long window, long permits) {
    std::lock_guard<std::mutex> lock(mu_);
    if (leases_.size() > kPruneAbove)
        for (auto it = leases_.begin(); it != leases_.end();)
            it = it->second.window < window ? leases_.erase(it) : std::next(it);
    Lease& l = leases_[lease_id];
    if (l.window != window) l = Lease{window, 0};
    l.left += permits;
}

std::optional<Refusal> Policy::count(db::Counter counter, int64_t id, long limit, long now, const char* whose) {
    const long window = now - now % 60;
    const int64_t lease_id = id * 2 + (counter == db::Counter::Key ? 1 : 0);
    if (take_leased(lease_id, window)) return std::nullopt;
    const long lease = std::min(limit / kLeaseDivisor, kMaxLease);
    if (lease >= 2 && db::take_permits(pool_, counter, id, lease, limit / 2, now)) {
        add_lease(lease_id, window, lease - 1);  // one is this request's
        return std::nullopt;
    }
    if (db::take_permits(pool_, counter, id, 1, limit, now)) return std::nullopt;
    return Refusal{std::string("Rate limit reached") + whose + ": " + std::to_string(limit) + " requests per minute.",
                   "rate_limit_exceeded", 60 - now % 60};
}

std::optional<Refusal> Policy::count_request(const db::User& user, const db::ApiKey* key, long now) {
    if (key && key->requests_per_minute > 0)
        if (auto refused = count(db::Counter::Key, key->id, key->requests_per_minute, now, " for this API key"))
            return refused;
    const long limit = effective(user.requests_per_minute, cfg_.requests_per_minute);
    if (limit <= 0) return std::nullopt;  // 0 = unlimited
    return count(db::Counter::User, user.id, limit, now, "");
}

long Policy::max_concurrent(const db::User& user) const {
    return effective(user.max_concurrent_requests, cfg_.max_concurrent_requests);
}

bool Policy::has_token_quota(const db::User& user, const db::ApiKey* key) const {
    return (key && key->tokens_per_day > 0) || effective(user.tokens_per_day, cfg_.tokens_per_day) > 0;
}

std::optional<Refusal> Policy::check_token_quota(const db::User& user, const db::ApiKey* key, long now) {
    if (key && key->tokens_per_day > 0 && db::tokens_today(pool_, db::Counter::Key, key->id) >= key->tokens_per_day)
        return Refusal{"Token quota reached for this API key: " + std::to_string(key->tokens_per_day) +
                           " tokens per day (UTC).",
                       "quota_exceeded", 86400 - now % 86400};
    const long quota = effective(user.tokens_per_day, cfg_.tokens_per_day);
    if (quota <= 0) return std::nullopt;
    if (db::tokens_today(pool_, db::Counter::User, user.id) < quota) return std::nullopt;
    return Refusal{"Token quota reached: " + std::to_string(quota) + " tokens per day (UTC).", "quota_exceeded",
                   86400 - now % 86400};
}

}  // namespace llmapi::limits
