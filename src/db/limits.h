// Per-user limits counted in MariaDB, so they hold across every worker
// process and every host sharing the database.
#pragma once
#include <cstdint>

#include "db/pool.h"

namespace llmapi::db {

// Counts one request in the user's current one-minute window (fixed windows
// starting at :00). Returns false, counting nothing, when `limit` requests
// were already made in it. Atomic: a conditional UPDATE, never read-then-write.
bool count_request(Pool& pool, int64_t user_id, long limit, long now);

// Takes `permits` requests at once in the user's current window, only while
// the window's count stays at or below `ceiling` after it (the caller then
// admits that many without asking again). False, taking nothing, otherwise.
bool take_permits(Pool& pool, int64_t user_id, long permits, long ceiling, long now);

// Tokens (prompt + completion) the user has used since 00:00 UTC.
long tokens_today(Pool& pool, int64_t user_id);

}  // namespace llmapi::db
