#include "auth/user_cache.h"

namespace llmapi::auth {

std::optional<db::User> UserCache::get(int64_t id, const Loader& load, Clock::time_point now) {
    if (ttl_ <= Clock::duration::zero()) return load(id);
    if (std::optional<db::User> cached = entries_.find(id, now)) return cached;
    std::promise<std::optional<db::User>> mine;
    Pending theirs;
    {
        std::lock_guard<std::mutex> lock(loading_mu_);
        auto it = loading_.find(id);
        if (it != loading_.end()) theirs = it->second;
        else loading_.emplace(id, mine.get_future().share());
    }
    if (theirs.valid()) return theirs.get();  // another thread's read: its answer, or its exception
    auto done = [&] {
        std::lock_guard<std::mutex> lock(loading_mu_);
        loading_.erase(id);
    };
    try {
        std::optional<db::User> user = load(id);
        if (user) entries_.put(id, *user, now + ttl_, now);
        else entries_.erase(id);
        mine.set_value(user);
        done();
        return user;
    } catch (...) {
        mine.set_exception(std::current_exception());
        done();
        throw;
    }
}

}  // namespace llmapi::auth
