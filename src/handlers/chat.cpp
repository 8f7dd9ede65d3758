// POST /api/chat/completions/?provider=P and its OpenAI alias
// POST /v1/chat/completions: one OpenAI-format answer for every provider.
#include "app/limits.h"
#include "chat/dispatch.h"
#include "chat/validate.h"
#include "handlers/handlers.h"

namespace llmapi::handlers {

http::Response chat_completions(app::Context& ctx) {
    app::enforce_request_limit(ctx);
    JsonPtr body = chat::parse_chat_body(ctx.request);
    chat::validate_chat_request(body.get());
    const chat::Target target = chat::resolve_target(ctx.services, http::query_param(ctx.request.query, "provider"),
                                                     json_string_value(json_object_get(body.get(), "model")));
    app::enforce_token_quota(ctx);
    ctx.info->provider = target.provider->name();
    ctx.info->model = target.model;
    return chat::run_chat(ctx, body.get(), target);
}

}  // namespace llmapi::handlers
