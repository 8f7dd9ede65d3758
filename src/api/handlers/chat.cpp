// POST /api/chat/completions/?provider=P and its OpenAI alias
// POST /v1/chat/completions: one OpenAI-format answer for every provider.
#include "api/handlers/handlers.h"
#include "api/handlers/provider_choice.h"
#include "relay/relay.h"
#include "relay/validate.h"

namespace llmapi::api::handlers {

http::Response chat_completions(Context& ctx) {
    JsonPtr body = relay::parse_chat_body(ctx.request);
    relay::validate_chat_request(body.get());
    const providers::Target target = choose_provider(ctx, http::query_param(ctx.request.query, "provider"),
                                                     json_string_value(json_object_get(body.get(), "model")));
    ctx.info->model = target.model;

    const bool include_usage =
        json_is_true(json_object_get(json_object_get(body.get(), "stream_options"), "include_usage"));
    relay::HttpChatSink sink(*ctx.out, include_usage, ctx.services.metrics);
    const relay::Deps deps{ctx.services.providers, *ctx.http, ctx.services.metrics, {}};
    relay::Outcome o = relay::relay_chat(deps, {body.get(), ctx.request.request_id, ctx.user->id}, target, sink);

    ctx.info->provider = o.event.provider;  // the fallback's, if one answered
    ctx.info->upstream_ms = o.event.upstream_ms;
    if (!o.sent_upstream) return std::move(o.response);  // its client left first: nothing used, nothing to record
    // Journaled (a local append) before the response's end reaches the
    // client: a worker killed from here on loses no answered request's row.
    ctx.services.usage.record(std::move(o.event));
    return std::move(o.response);
}

}  // namespace llmapi::api::handlers
