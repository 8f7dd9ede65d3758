// Request bodies, parsed the way DRF's parsers would.
#pragma once
#include "common/json.h"
#include "http/request.h"

namespace llmapi::http {

constexpr int kMaxJsonDepth = 64;

// The body as JSON: application/json (or no Content-Type) is parsed with
// jansson; an empty body is {} as in DRF; form-urlencoded bodies become an
// object of strings (DRF's FormParser), unless they look like JSON: curl -d
// without -H sends that content type, and we accept what the user meant.
// Throws HttpError: 400 {"detail":"JSON parse error - ..."} (bad JSON, invalid
// UTF-8, nesting deeper than kMaxJsonDepth), 415 for other media types.
JsonPtr parse_body(const Request& req);

// Serializer-style check that the data is an object:
// 400 {"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}
void require_object(const json_t* data);

// Depth of nested arrays/objects (a scalar is 0).
int json_depth(const json_t* j, int limit);

}  // namespace llmapi::http
