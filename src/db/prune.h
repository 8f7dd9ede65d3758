// Deleting rows nothing reads any more: expired blacklist entries, finished
// rate windows, old daily token counts (llm-api-admin prune, e.g. from cron).
#pragma once
#include "db/pool.h"

namespace llmapi::db {

struct PruneCounts {
    long blacklisted_tokens = 0;  // token_blacklist rows past expires_at
    long rate_windows = 0;        // rate_windows that started over 2 minutes ago
    long token_days = 0;          // token_days older than 2 days (UTC)
};

PruneCounts prune_expired(Pool& pool);

}  // namespace llmapi::db
