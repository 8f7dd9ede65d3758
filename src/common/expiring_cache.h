// A small map whose entries expire, shared by a worker's threads under one
// mutex, bounded in size. Used for what the Bearer check would otherwise
// recompute on every request (auth/user_cache.h, verified access tokens).
#pragma once
#include <cstddef>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace llmapi {

// Time: any ordered type (a steady_clock time_point, unix seconds).
template <class Key, class Value, class Time>
class ExpiringCache {
public:
    explicit ExpiringCache(size_t max_entries) : max_entries_(max_entries) {}
    ExpiringCache(const ExpiringCache&) = delete;
    ExpiringCache& operator=(const ExpiringCache&) = delete;

    // The value, while now < its expiry.
    std::optional<Value> find(const Key& key, Time now) const {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = entries_.find(key);
        if (it == entries_.end() || !(now < it->second.first)) return std::nullopt;
        return it->second.second;
    }

    void put(const Key& key, Value value, Time expires, Time now) {
        std::lock_guard<std::mutex> lock(mu_);
        if (entries_.size() >= max_entries_ && entries_.find(key) == entries_.end()) {
            // Bounded memory: drop what has expired; if that frees less than
            // a quarter (more live keys than the bound), start over, rather
            // than rescanning the whole map under the lock at every insert.
            for (auto it = entries_.begin(); it != entries_.end();)
                it = now < it->second.first ? std::next(it) : entries_.erase(it);
            if (entries_.size() >= max_entries_ - max_entries_ / 4) entries_.clear();
        }
        entries_.insert_or_assign(key, std::make_pair(expires, std::move(value)));
    }

    void erase(const Key& key) {
        std::lock_guard<std::mutex> lock(mu_);
        entries_.erase(key);
    }

    size_t size() const {
        std::lock_guard<std::mutex> lock(mu_);
        return entries_.size();
    }

private:
    const size_t max_entries_;
    mutable std::mutex mu_;
    std::unordered_map<Key, std::pair<Time, Value>> entries_;
};

}  // namespace llmapi
