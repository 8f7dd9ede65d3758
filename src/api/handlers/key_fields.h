// The body of POST /api/keys/, checked as a DRF serializer would (one list
// of messages per field), into the row to insert.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "db/api_keys.h"
#include "http/fields.h"

namespace llmapi::api::handlers {

constexpr size_t kKeyNameMaxLength = 64;
constexpr size_t kKeyMaxListItems = 100;

// `data` is a JSON object. name: 1-64 characters (trimmed); expires_at: ISO
// 8601 after `now_us`, or null; providers: a non-empty list of names among
// `configured`, or null; models: a non-empty list of ids or "prefix*", or
// null; requests_per_minute, tokens_per_day: integers >= 1, or null.
// Errors go to `errors`; the row's user, hash and prefix are left to the caller.
db::NewKeyRow read_new_key(const json_t* data, const std::vector<std::string>& configured, int64_t now_us,
                           http::FieldErrors& errors);

}  // namespace llmapi::api::handlers
