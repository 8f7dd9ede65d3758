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

// Rows per multi-row INSERT in insert_usage_rows.
constexpr size_t kMaxRowsPerInsert = 32;

// Inserts the events, each once, with their tokens: fresh ones in one
// transaction (multi-row inserts, one token_days upsert per user and day, so
// a burst costs one commit, not two per row); when some event_id is in
// already (a replay), row by row with insert_usage.
void insert_usage_rows(Pool& pool, const std::vector<usage::UsageEvent>& events);

struct UsageRow {
    std::string provider, model;
    long requests = 0, prompt_tokens = 0, completion_tokens = 0;
};
// The user's usage in [since, until) ("YYYY-MM-DD HH:MM:SS" UTC), by provider and model.
std::vector<UsageRow> usage_by_model(Pool& pool, int64_t user_id, const std::string& since, const std::string& until);

}  // namespace llmapi::db
