// Picks the provider for a request, then runs the call with retries
// (exponential backoff with jitter, Retry-After honoured, only before the
// first byte reached the client) and the configured fallbacks, and maps the
// final failure to OpenAI's error shape and API.md's status table.
#pragma once
#include <string>

#include "app/context.h"
#include "providers/provider.h"

namespace llmapi::chat {

struct Target {
    providers::Provider* provider = nullptr;
    std::string model;
};

// From ?provider=, else a "provider/" prefix on the model, else the default.
// Throws 400 (unknown provider, listing the known ones) or 503 (not configured).
Target resolve_target(const app::Services& s, const std::string& query_provider, const std::string& model);

// Runs the chat request; the Response is either complete or already streamed.
http::Response run_chat(app::Context& ctx, const json_t* body, const Target& target);

// The provider failure as OpenAI's error body and status (API.md section 3).
int error_status(const providers::UpstreamError& e);
JsonPtr error_body(const providers::UpstreamError& e, const std::string& provider);

}  // namespace llmapi::chat
