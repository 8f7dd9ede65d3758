// The usage_events and token_days tables.
#pragma once
#include <string>
#include <vector>

#include "db/pool.h"
#include "usage/event.h"

namespace llmapi::db {

// Inserts the event once (a replayed event_id is ignored) and, when it was
// new, adds its tokens to the user's day.
void insert_usage(Pool& pool, const usage::UsageEvent& e);

struct UsageRow {
    std::string provider, model;
    long requests = 0, prompt_tokens = 0, completion_tokens = 0;
};
// The user's usage in [since, until) ("YYYY-MM-DD HH:MM:SS" UTC), by provider and model.
std::vector<UsageRow> usage_by_model(Pool& pool, int64_t user_id, const std::string& since, const std::string& until);

}  // namespace llmapi::db
