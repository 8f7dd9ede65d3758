#include "auth/user_cache.h"

namespace llmapi::auth {

std::optional<db::User> UserCache::get(int64_t id, const Loader& load, Clock::time_point now) {
    if (ttl_ <= Clock::duration::zero()) return load(id);
    if (std::optional<db::User> cached = entries_.find(id, now)) return cached;
    std::optional<db::User> user = load(id);
    if (user) entries_.put(id, *user, now + ttl_, now);
    else entries_.erase(id);
    return user;
}

}  // namespace llmapi::auth
