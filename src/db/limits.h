// Per-user limits counted in MariaDB, so they hold across every worker
// process and every host sharing the database.
#pragma once
#include <cstdint>

#include "db/pool.h"

namespace llmapi::db {

// Counts `permits` requests (one, or a worker's lease of several) in the
// user's current one-minute window (fixed windows starting at :00), only if
// the window's count stays at or below `ceiling` after it; false, counting
// nothing, otherwise. Atomic: a conditional UPDATE, never read-then-write.
bool take_permits(Pool& pool, int64_t user_id, long permits, long ceiling, long now);

// Tokens (prompt + completion) the user has used since 00:00 UTC.
long tokens_today(Pool& pool, int64_t user_id);

}  // namespace llmapi::db
