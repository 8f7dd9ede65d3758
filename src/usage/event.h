// One chat request's accounting record (a usage_events row, db/usage.h),
// and its form in a spool file.
#pragma once
#include <string>

#include "db/usage.h"

namespace llmapi::usage {

using UsageEvent = db::UsageEvent;

// One line of JSON (the spool file's format), and back.
std::string to_json_line(const UsageEvent& e);
bool from_json_line(const std::string& line, UsageEvent& e);

}  // namespace llmapi::usage
