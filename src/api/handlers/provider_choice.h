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

// For a request made with an API key: 403 (OpenAI's shape, code
// model_not_allowed) when the key's lists do not allow this provider, or
// this model (as the provider receives it; empty: the provider alone).
void require_key_allows(const Context& ctx, const std::string& provider, const std::string& model);
// Whether the request's key (if any) allows it; for filtering lists.
bool key_allows(const Context& ctx, const std::string& provider, const std::string& model);

}  // namespace llmapi::api::handlers
