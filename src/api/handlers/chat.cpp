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
    require_key_allows(ctx, target.provider->name(), target.model);

    const bool include_usage =
        json_is_true(json_object_get(json_object_get(body.get(), "stream_options"), "include_usage"));
    relay::HttpChatSink sink(*ctx.out, include_usage, ctx.services.metrics);
    const relay::Deps deps{ctx.services.providers, *ctx.http, ctx.services.metrics, {}};
    relay::ChatRequest req{body.get(), ctx.request.request_id, ctx.user->id, ctx.key ? ctx.key->id : 0, {}, {}};
    if (ctx.key) req.allowed = [&](const std::string& p, const std::string& m) { return key_allows(ctx, p, m); };
    // Journaled (a local append) before the response's end reaches the
    // client: a worker killed from then on loses no answered request's row.
    // Under a token quota the row and its tokens are committed first, so the
    // request right after the one that crossed the quota is refused (a
    // batch would count them up to [server] usage_flush_ms later).
    const bool now = ctx.services.limits.has_token_quota(*ctx.user, ctx.key ? &*ctx.key : nullptr);
    req.record = [&](const usage::UsageEvent& e) {  // a copy: the outcome's row is read below
        if (now) ctx.services.usage.record_now(e);
        else ctx.services.usage.record(e);
    };
    relay::Outcome o = relay::relay_chat(deps, req, target, sink);

    ctx.info->provider = o.event.provider;  // the fallback's, if one answered
    ctx.info->upstream_ms = o.event.upstream_ms;
    if (!o.sent_upstream) return std::move(o.response);  // its client left first: nothing used, nothing to record
    if (!o.recorded) req.record(o.event);  // a whole response: before it goes out
    return std::move(o.response);
}

}  // namespace llmapi::api::handlers
