#include "limits/policy.h"

#include <algorithm>
#include <iterator>

#include "db/limits.h"

namespace llmapi::limits {

namespace {

long effective(long user_override, long configured) { return user_override >= 0 ? user_override : configured; }

constexpr long kLeaseDivisor = 16;    // permits taken at once: limit / 16 ...
constexpr long kMaxLease = 1000;      // ... at most this many
constexpr size_t kPruneAbove = 4096;  // users with a lease, before stale ones are dropped

}  // namespace

bool Policy::take_leased(int64_t user_id, long window) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = leases_.find(user_id);
    if (it == leases_.end() || it->second.window != window || it->second.left <= 0) return false;
    --it->second.left;
    return true;
}

void Policy::add_lease(int64_t user_id, long window, long permits) {
    std::lock_guard<std::mutex> lock(mu_);
    if (leases_.size() > kPruneAbove)
        for (auto it = leases_.begin(); it != leases_.end();)
            it = it->second.window < window ? leases_.erase(it) : std::next(it);
    Lease& l = leases_[user_id];
    if (l.window != window) l = Lease{window, 0};
    l.left += permits;
}

std::optional<Refusal> Policy::count_request(const db::User& user, long now) {
    const long limit = effective(user.requests_per_minute, cfg_.requests_per_minute);
    if (limit <= 0) return std::nullopt;  // 0 = unlimited
    const long window = now - now % 60;
    if (take_leased(user.id, window)) return std::nullopt;
    const long lease = std::min(limit / kLeaseDivisor, kMaxLease);
    if (lease >= 2 && db::take_permits(pool_, user.id, lease, limit / 2, now)) {
        add_lease(user.id, window, lease - 1);  // one is this request's
        return std::nullopt;
    }
    if (db::take_permits(pool_, user.id, 1, limit, now)) return std::nullopt;
    return Refusal{"Rate limit reached: " + std::to_string(limit) + " requests per minute.", "rate_limit_exceeded",
                   60 - now % 60};
}

long Policy::max_concurrent(const db::User& user) const {
    return effective(user.max_concurrent_requests, cfg_.max_concurrent_requests);
}

std::optional<Refusal> Policy::check_token_quota(const db::User& user, long now) {
    const long quota = effective(user.tokens_per_day, cfg_.tokens_per_day);
    if (quota <= 0) return std::nullopt;
    if (db::tokens_today(pool_, user.id) < quota) return std::nullopt;
    return Refusal{"Token quota reached: " + std::to_string(quota) + " tokens per day (UTC).", "quota_exceeded",
                   86400 - now % 86400};
}

}  // namespace llmapi::limits
