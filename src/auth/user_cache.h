// A per-worker cache of the user rows the Bearer check reads. simplejwt's
// JWTAuthentication selects the user on every request (~100-125 µs here, and
// two process wake-ups): with this cache a worker reads each user at most
// once per TTL. The price, a decision written down in the README: a
// deactivated, deleted or re-limited user is seen within the TTL (default
// 1 s) on every worker of every host, instead of on the next request.
// TTL 0 turns the cache off (a database read per request, as simplejwt).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "common/expiring_cache.h"
#include "db/users.h"

namespace llmapi::auth {

class UserCache {
public:
    using Clock = std::chrono::steady_clock;
    using Loader = std::function<std::optional<db::User>(int64_t)>;

    explicit UserCache(long ttl_ms, size_t max_entries = 100000)
        : ttl_(std::chrono::milliseconds(ttl_ms)), entries_(max_entries) {}

    // The user with this id: from the cache while fresh, else from `load`
    // (called outside the lock; its exceptions pass through and nothing is
    // cached). A missing user is not cached: the next request reads again.
    // Single flight: when an entry expires under thousands of concurrent
    // requests of one user, one thread reads the row and the others wait for
    // its answer (or its exception) instead of each taking a pooled
    // connection (measured: 351 of 10,000 streams timed out borrowing one).
    std::optional<db::User> get(int64_t id, const Loader& load, Clock::time_point now = Clock::now());

    size_t size() const { return entries_.size(); }

private:
    using Pending = std::shared_future<std::optional<db::User>>;
    const Clock::duration ttl_;
    ExpiringCache<int64_t, db::User, Clock::time_point> entries_;
    std::mutex loading_mu_;
    std::unordered_map<int64_t, Pending> loading_;  // reads in flight
};

}  // namespace llmapi::auth
