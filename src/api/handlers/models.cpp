// GET /api/supported-models/?provider=P → {"models":[…]} (the seed's shape)
// GET /v1/models[?provider=P] → OpenAI's {"object":"list","data":[…]}.
#include <algorithm>
#include <optional>

#include "api/handlers/handlers.h"
#include "api/handlers/provider_choice.h"
#include "common/log.h"
#include "http/errors.h"
#include "http/openai_error.h"
#include "relay/upstream_errors.h"

namespace llmapi::api::handlers {

namespace {

std::vector<std::string> models_of(Context& ctx, providers::Provider& p,
                                   providers::ModelTask task = providers::ModelTask::Chat) {
    providers::UpstreamError err;
    std::vector<std::string> models = ctx.services.models.get(p, *ctx.http, err, task);
    if (err) throw http::HttpError(relay::error_status(err), relay::error_body(err, p.name()));
    return models;
}

// /v1/models lists what a provider chats with and what it embeds with, each id once.
std::vector<std::string> all_models_of(Context& ctx, providers::Provider& p) {
    std::vector<std::string> ids = models_of(ctx, p);
    if (!p.models_by_task()) return ids;
    for (auto& id : models_of(ctx, p, providers::ModelTask::Embeddings))
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    return ids;
}

// The provider the query names (else the default), once the request's key allows it.
providers::Provider& named_provider(Context& ctx, const std::string& name) {
    providers::Provider& p = *choose_provider(ctx, name, "").provider;
    require_key_allows(ctx, p.name(), "");
    return p;
}

json_t* model_object(const std::string& id, const std::string& owner) {
    json_t* m = json_object();
    json_object_set_new(m, "id", json_string(id.c_str()));
    json_object_set_new(m, "object", json_string("model"));
    json_object_set_new(m, "created", json_integer(0));
    json_object_set_new(m, "owned_by", json_string(owner.c_str()));
    return m;
}

}  // namespace

// ?task=embeddings lists the models that embed (Gemini's embedContent ones).
http::Response supported_models(Context& ctx) {
    providers::Provider& p = named_provider(ctx, http::query_param(ctx.request.query, "provider"));
    bool has_task = false;
    const std::string task = http::query_param(ctx.request.query, "task", &has_task);
    if (has_task && task != "chat" && task != "embeddings")
        throw http::invalid_request("'task' must be 'chat' or 'embeddings'.", "task");
    JsonPtr list(json_array());
    for (const auto& id : models_of(ctx, p, task == "embeddings" ? providers::ModelTask::Embeddings
                                                                 : providers::ModelTask::Chat))
        if (key_allows(ctx, p.name(), id)) json_array_append_new(list.get(), json_string(id.c_str()));
    JsonPtr body(json_object());
    json_object_set(body.get(), "models", list.get());
    return http::Response::json(200, body.get());
}

http::Response v1_models(Context& ctx) {
    bool given = false;
    const std::string name = http::query_param(ctx.request.query, "provider", &given);
    JsonPtr data(json_array());
    if (given && !name.empty()) {
        providers::Provider& p = named_provider(ctx, name);
        for (const auto& id : all_models_of(ctx, p))
            if (key_allows(ctx, p.name(), id)) json_array_append_new(data.get(), model_object(id, p.name()));
    } else {
        // Every configured provider's models, as "provider/model" ids that
        // route back to that provider when passed as `model`. A provider that
        // is down is left out (and logged) rather than failing the whole list.
        std::optional<http::HttpError> failure;
        bool any = false;
        for (const auto& n : ctx.services.providers.names()) {
            providers::Provider* p = ctx.services.providers.find(n);
            if (!p->configured() || !key_allows(ctx, n, "")) continue;
            try {
                for (const auto& id : all_models_of(ctx, *p))
                    if (key_allows(ctx, n, id)) json_array_append_new(data.get(), model_object(n + "/" + id, n));
                any = true;
            } catch (const http::HttpError& e) {
                log_warn("/v1/models: provider '%s' left out: HTTP %d", n.c_str(), e.status());
                failure = e;
            }
        }
        if (!any && failure) throw *failure;
    }
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "object", json_string("list"));
    json_object_set(body.get(), "data", data.get());
    return http::Response::json(200, body.get());
}

}  // namespace llmapi::api::handlers
