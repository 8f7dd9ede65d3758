// A usage row for the spool and journal tests: event_id from n (32 hex
// digits), tokens n and 2n, streamed when n is odd.
#pragma once
#include <cstdint>
#include <cstdio>

#include "usage/event.h"

inline llmapi::usage::UsageEvent sample_usage_row(int n, int64_t user_id = 7) {
    llmapi::usage::UsageEvent e;
    char id[33];
    std::snprintf(id, sizeof id, "%032x", n);
    e.event_id = id;
    e.user_id = user_id;
    e.provider = "openai";
    e.model_requested = "gpt-x";
    e.prompt_tokens = n;
    e.completion_tokens = 2 * n;
    e.status = 200;
    e.streamed = n % 2 == 1;
    e.started_at = "2026-12-01 10:00:00.000001";
    return e;
}
