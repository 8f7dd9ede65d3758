// Checks a chat request before any upstream call, with OpenAI's errors
// (400 invalid_request_error naming the `param`).
#pragma once
#include "common/json.h"
#include "http/request.h"

namespace llmapi::relay {

// The request body as a JSON object, or HttpError 400/413/415 in OpenAI's shape.
JsonPtr parse_chat_body(const http::Request& req);

// model a non-empty string; messages a non-empty array of objects with a
// valid role and string / parts / null content; numeric fields in range.
void validate_chat_request(const json_t* body);

}  // namespace llmapi::relay
