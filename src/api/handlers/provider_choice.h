// Picks the provider a request names (shared by the chat and model-list
// handlers) and maps the choice's errors to HTTP.
#pragma once
#include <string>

#include "api/context.h"

namespace llmapi::api::handlers {

// ProviderSet::resolve, with its errors as OpenAI-shaped HttpErrors: 400 for
// an unknown provider (listing the known ones), 503 for one not configured.
// Notes the provider in the request's info.
providers::Target choose_provider(Context& ctx, const std::string& query_provider, const std::string& model);

}  // namespace llmapi::api::handlers
