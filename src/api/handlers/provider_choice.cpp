#include "api/handlers/provider_choice.h"

#include "auth/api_key.h"
#include "http/openai_error.h"

namespace llmapi::api::handlers {

providers::Target choose_provider(Context& ctx, const std::string& query_provider, const std::string& model) {
    providers::Resolution r = ctx.services.providers.resolve(query_provider, model);
    switch (r.error) {
        case providers::Resolution::None: break;
        case providers::Resolution::UnknownProvider: throw http::invalid_request(r.message, "provider");
        case providers::Resolution::NotConfigured:
            throw http::openai_error(503, r.message, "provider_not_configured", "", "provider_not_configured");
    }
    ctx.info->provider = r.target.provider->name();
    return r.target;
}

bool key_allows(const Context& ctx, const std::string& provider, const std::string& model) {
    if (!ctx.key) return true;
    return auth::key_allows_provider(*ctx.key, provider) && (model.empty() || auth::key_allows_model(*ctx.key, model));
}

void require_key_allows(const Context& ctx, const std::string& provider, const std::string& model) {
    if (!ctx.key) return;
    if (!auth::key_allows_provider(*ctx.key, provider))
        throw http::openai_error(403, "This API key may not use provider '" + provider + "'.", "invalid_request_error",
                                 "", "model_not_allowed");
    if (!model.empty() && !auth::key_allows_model(*ctx.key, model))
        throw http::openai_error(403, "This API key may not use model '" + model + "' of provider '" + provider + "'.",
                                 "invalid_request_error", "model", "model_not_allowed");
}

}  // namespace llmapi::api::handlers
