// Runs one embeddings request against its provider: retries as for chats
// (connect errors, resets, 429, 5xx; backoff with jitter), no fallbacks (a
// vector from another model lives in another space); the answer in OpenAI's
// shape or its error, and the usage row for the caller to record.
#pragma once
#include <cstdint>
#include <string>

#include "relay/relay.h"

namespace llmapi::relay {

struct EmbeddingsRequest {
    const json_t* body = nullptr;  // validated (api/handlers/embeddings.cpp)
    std::string request_id;
    int64_t user_id = 0;
    int64_t api_key_id = 0;
};

struct EmbeddingsOutcome {
    http::Response response;
    usage::UsageEvent event;
};

EmbeddingsOutcome relay_embeddings(const Deps& deps, const EmbeddingsRequest& req, const providers::Target& target);

}  // namespace llmapi::relay
