// Per-worker caches of the rows the Bearer check reads: users, and API keys
// by hash. simplejwt's JWTAuthentication selects the user on every request
// (~100-125 µs here, and two process wake-ups): with this cache a worker
// reads each row at most once per TTL. The price, a decision written down in
// the README: a deactivated, deleted or re-limited user, or a revoked key, is
// seen within the TTL (default 1 s) on every worker of every host, instead of
// on the next request. TTL 0 turns the cache off (a database read per
// request, as simplejwt).
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/expiring_cache.h"
#include "db/api_keys.h"
#include "db/users.h"

namespace llmapi::auth {

// Rows by key, fresh for a TTL. Misses are cached too when `cache_misses`
// (API keys: a hash unknown now stays unknown, as nobody can make a new key
// with a hash someone already sent; so a flood of made-up keys costs one
// read per key and TTL); never for users (a missing user id is rare and
// cheap to re-read).
template <class Key, class Row>
class RowCache {
public:
    using Clock = std::chrono::steady_clock;
    using Loader = std::function<std::optional<Row>(const Key&)>;

    explicit RowCache(long ttl_ms, size_t max_entries = 100000, bool cache_misses = false)
        : ttl_(std::chrono::milliseconds(ttl_ms)), cache_misses_(cache_misses), entries_(max_entries) {}

    // The row with this key: from the cache while fresh, else from `load`
    // (called outside the lock; its exceptions pass through and nothing is
    // cached). Single flight: when an entry expires under thousands of
    // concurrent requests of one user, one thread reads the row and the
    // others wait for its answer (or its exception) instead of each taking a
    // pooled connection (measured: 351 of 10,000 streams timed out borrowing one).
    std::optional<Row> get(const Key& key, const Loader& load, typename Clock::time_point now = Clock::now()) {
        if (ttl_ <= Clock::duration::zero()) return load(key);
        if (std::optional<std::optional<Row>> cached = entries_.find(key, now)) return *cached;
        std::promise<std::optional<Row>> mine;
        Pending theirs;
        {
            std::lock_guard<std::mutex> lock(loading_mu_);
            auto it = loading_.find(key);
            if (it != loading_.end()) theirs = it->second;
            else loading_.emplace(key, mine.get_future().share());
        }
        if (theirs.valid()) return theirs.get();  // another thread's read: its answer, or its exception
        auto done = [&] {
            std::lock_guard<std::mutex> lock(loading_mu_);
            loading_.erase(key);
        };
        try {
            std::optional<Row> row = load(key);
            if (row || cache_misses_) entries_.put(key, row, now + ttl_, now);
            else entries_.erase(key);
            mine.set_value(row);
            done();
            return row;
        } catch (...) {
            mine.set_exception(std::current_exception());
            done();
            throw;
        }
    }

    size_t size() const { return entries_.size(); }

private:
    using Pending = std::shared_future<std::optional<Row>>;
    const typename Clock::duration ttl_;
    const bool cache_misses_;
    ExpiringCache<Key, std::optional<Row>, typename Clock::time_point> entries_;
    std::mutex loading_mu_;
    std::unordered_map<Key, Pending> loading_;  // reads in flight
};

using UserCache = RowCache<int64_t, db::User>;
using KeyCache = RowCache<std::string, db::ApiKey>;  // by the key's SHA-256

}  // namespace llmapi::auth
