// The usage_events and token_days tables.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "db/pool.h"

namespace llmapi::db {

// A nullable id column: 0 is written as NULL.
struct OptionalId {
    int64_t id = 0;
};

// One request's row of usage_events (usage/event.h names it UsageEvent).
struct UsageEvent {
    std::string event_id;  // uuid4 hex: makes replays exactly-once
    int64_t user_id = 0;
    std::string provider;
    std::string model_requested;
    std::string model_answered;
    long prompt_tokens = 0;
    long completion_tokens = 0;
    long reasoning_tokens = 0;
    int status = 0;
    long upstream_ms = 0;
    bool streamed = false;
    bool client_disconnected = false;
    bool estimated = false;  // the provider reported no usage; we counted
    std::string started_at;  // "YYYY-MM-DD HH:MM:SS.ffffff", UTC
    OptionalId api_key_id;   // the API key the request came with (NULL: an access token)
};

// The columns of usage_events, once: calls f(name, member) for each, in the
// table's order. The INSERT, its binding and the spool's JSON lines all
// follow this list, so a new column is added here only.
template <class Event, class F>
void for_each_column(Event& e, F&& f) {
    f("event_id", e.event_id);
    f("user_id", e.user_id);
    f("provider", e.provider);
    f("model_requested", e.model_requested);
    f("model_answered", e.model_answered);
    f("prompt_tokens", e.prompt_tokens);
    f("completion_tokens", e.completion_tokens);
    f("reasoning_tokens", e.reasoning_tokens);
    f("status", e.status);
    f("upstream_ms", e.upstream_ms);
    f("streamed", e.streamed);
    f("client_disconnected", e.client_disconnected);
    f("estimated", e.estimated);
    f("started_at", e.started_at);
    f("api_key_id", e.api_key_id);
}

// Inserts the event once (a replayed event_id is ignored) and, when it was
// new, adds its tokens to the user's day.
void insert_usage(Pool& pool, const UsageEvent& e);

// Rows per multi-row INSERT in insert_usage_rows.
constexpr size_t kMaxRowsPerInsert = 32;

// Inserts the events, each once, with their tokens: fresh ones in one
// transaction (multi-row inserts, one token_days upsert per user and day, so
// a burst costs one commit, not two per row); when some event_id is in
// already (a replay), row by row with insert_usage.
void insert_usage_rows(Pool& pool, const std::vector<UsageEvent>& events);

struct UsageRow {
    std::string provider, model;
    long requests = 0, prompt_tokens = 0, completion_tokens = 0;
};
// The user's usage in [since, until) ("YYYY-MM-DD HH:MM:SS" UTC), by
// provider and model; only the requests made with one API key when key_id is set.
std::vector<UsageRow> usage_by_model(Pool& pool, int64_t user_id, const std::string& since, const std::string& until,
                                     int64_t key_id = 0);

struct KeyUsageRow {
    int64_t key_id = 0;
    std::string name, prefix;
    long requests = 0, prompt_tokens = 0, completion_tokens = 0;
};
// The same window by the API key the requests came with (requests made with
// a token are not in it); one key's only when key_id is set.
std::vector<KeyUsageRow> usage_by_key(Pool& pool, int64_t user_id, const std::string& since, const std::string& until,
                                      int64_t key_id = 0);

}  // namespace llmapi::db
