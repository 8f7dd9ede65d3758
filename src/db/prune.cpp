#include "db/prune.h"

namespace llmapi::db {

namespace {

// In batches, so a large backlog never holds locks the service waits on
// for long. All times are UTC (DATETIME columns, UTC session).
constexpr const char* kPruneBlacklist = "DELETE FROM token_blacklist WHERE expires_at < UTC_TIMESTAMP() LIMIT 5000";
// A window is counted against until it ends (60 s after window_start); two
// minutes leaves a margin for clock skew between hosts.
constexpr const char* kPruneRateWindows =
    "DELETE FROM rate_windows WHERE window_start < UTC_TIMESTAMP() - INTERVAL 2 MINUTE LIMIT 5000";
// Only today's count is read (tokens_per_day); yesterday's is kept for a
// request that began before midnight.
constexpr const char* kPruneTokenDays = "DELETE FROM token_days WHERE day < UTC_DATE() - INTERVAL 2 DAY LIMIT 5000";
constexpr int kBatch = 5000;

long delete_all(Pool& pool, const char* query) {
    long total = 0;
    for (;;) {
        // Deleting is safe to repeat after a lost connection.
        const int n = pool.run([&](Connection& c) { return c.prepare(query).executeUpdate(); });
        total += n;
        if (n < kBatch) return total;
    }
}

}  // namespace

PruneCounts prune_expired(Pool& pool) {
    PruneCounts out;
    out.blacklisted_tokens = delete_all(pool, kPruneBlacklist);
    out.rate_windows = delete_all(pool, kPruneRateWindows);
    out.token_days = delete_all(pool, kPruneTokenDays);
    return out;
}

}  // namespace llmapi::db
