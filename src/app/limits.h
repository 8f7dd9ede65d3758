// The per-user limits of [limits] (or the user's own, from the database),
// enforced before a request reaches a provider.
#pragma once
#include "app/context.h"

namespace llmapi::app {

// Counts this request against requests_per_minute; over the limit: 429
// rate_limit_exceeded with Retry-After (seconds until the window frees).
void enforce_request_limit(Context& ctx);

// Refuses a chat request once tokens_per_day is used up (tokens since 00:00
// UTC; the request that crosses the quota completes): 429 quota_exceeded.
void enforce_token_quota(Context& ctx);

}  // namespace llmapi::app
