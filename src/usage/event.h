// One chat request's accounting record.
#pragma once
#include <cstdint>
#include <string>

namespace llmapi::usage {

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
};

// One line of JSON (the spool file's format), and back.
std::string to_json_line(const UsageEvent& e);
bool from_json_line(const std::string& line, UsageEvent& e);

// The current UTC time as "YYYY-MM-DD HH:MM:SS.ffffff".
std::string utc_now_sql();

}  // namespace llmapi::usage
