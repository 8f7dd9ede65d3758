#include "api/handlers/provider_choice.h"

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

}  // namespace llmapi::api::handlers
