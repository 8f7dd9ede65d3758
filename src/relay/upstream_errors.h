// A provider's failure as OpenAI's error body and API.md's status (section
// 3): shared by the chat relay and the model-list endpoints.
#pragma once
#include <string>

#include "common/json.h"
#include "providers/provider.h"

namespace llmapi::relay {

// A failure the client caused (bad model, bad parameter): no retry or fallback helps.
bool is_client_error(const providers::UpstreamError& e);

int error_status(const providers::UpstreamError& e);
JsonPtr error_body(const providers::UpstreamError& e, const std::string& provider);

}  // namespace llmapi::relay
