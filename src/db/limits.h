// Per-user limits counted in MariaDB, so they hold across every worker
// process and every host sharing the database.
#pragma once
#include <cstdint>

#include "db/pool.h"

namespace llmapi::db {

// Whose counters: a user's (rate_windows, token_days) or an API key's own
// (key_rate_windows, key_token_days).
enum class Counter { User, Key };

// Counts `permits` requests (one, or a worker's lease of several) in the
// user's (or key's) current one-minute window (fixed windows starting at :00), only if
// the window's count stays at or below `ceiling` after it; false, counting
// nothing, otherwise. Atomic: a conditional UPDATE, never read-then-write.
bool take_permits(Pool& pool, Counter counter, int64_t id, long permits, long ceiling, long now);

// Tokens (prompt + completion) the user (or key) has used since 00:00 UTC.
long tokens_today(Pool& pool, Counter counter, int64_t id);

}  // namespace llmapi::db
