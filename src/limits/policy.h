// The per-user limits of [limits] (or the user's own, from the database),
// counted in MariaDB so they hold across workers and hosts. Refusals come
// back as values; the API layer turns them into 429s in the route's style.
//
// requests_per_minute without a round trip per request: while a user is far
// below the limit (the window's count at most half of it), a worker takes
// limit/16 permits at once (at most 1,000) with one conditional UPDATE and
// admits that many from memory; past half, each request is counted on its
// own. Never more than the limit: every permit is counted in the database
// before the request it admits. The price: permits a worker took but got
// no request for lapse with the window, so a user whose requests stop
// reaching one worker may be refused up to (workers x limit/16) early.
#pragma once
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "config/config.h"
#include "db/pool.h"
#include "db/api_keys.h"
#include "db/limits.h"
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

    // Counts this request against requests_per_minute (fixed windows from
    // :00): the API key's own limit (when the request came with a key that
    // has one), then the user's. The tighter refuses; as with DRF's
    // throttles, a request the second refuses stays counted by the first.
    std::optional<Refusal> count_request(const db::User& user, const db::ApiKey* key, long now);
    // Refuses once tokens_per_day is used up (tokens since 00:00 UTC; the
    // request that crosses the quota completes), the key's or the user's.
    std::optional<Refusal> check_token_quota(const db::User& user, const db::ApiKey* key, long now);
    // Is the request under a token quota (the user's or the key's)? Its
    // tokens are then committed before its response ends.
    bool has_token_quota(const db::User& user, const db::ApiKey* key) const;
    // The chat requests the user may have in progress at once (0 = no limit).
    long max_concurrent(const db::User& user) const;

private:
    // Permits this worker holds for a user's current window.
    struct Lease {
        long window = -1;
        long left = 0;
    };
    std::optional<Refusal> count(db::Counter counter, int64_t id, long limit, long now, const char* whose);
    // Leases are keyed by counter and id: id * 2 + (key ? 1 : 0).
    bool take_leased(int64_t lease_id, long window);
    void add_lease(int64_t lease_id, long window, long permits);

    const config::LimitsConfig cfg_;
    db::Pool& pool_;
    std::mutex mu_;
    std::unordered_map<int64_t, Lease> leases_;
};

}  // namespace llmapi::limits
