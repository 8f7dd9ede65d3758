// POST /v1/embeddings and /api/embeddings/?provider=P (API.md section 9):
// OpenAI's embeddings API for every provider; counted in usage and limits
// like chat.
#include "api/handlers/handlers.h"
#include "api/handlers/provider_choice.h"
#include "http/openai_error.h"
#include "relay/embeddings.h"
#include "relay/validate.h"

namespace llmapi::api::handlers {

namespace {

// input: a non-empty string, or a non-empty array of non-empty strings, of
// token ids (integers), or of arrays of token ids.
bool valid_input(const json_t* input) {
    if (json_is_string(input)) return json_string_length(input) > 0;
    if (!json_is_array(input) || json_array_size(input) == 0) return false;
    const json_t* first = json_array_get(input, 0);
    size_t i;
    json_t* item;
    json_array_foreach(input, i, item) {
        if (json_is_string(first) ? !(json_is_string(item) && json_string_length(item) > 0)
            : json_is_integer(first) ? !json_is_integer(item)
            : !(json_is_array(item) && json_array_size(item) > 0))
            return false;
        if (json_is_array(item)) {
            size_t k;
            json_t* tok;
            json_array_foreach(item, k, tok) if (!json_is_integer(tok)) return false;
        }
    }
    return true;
}

void validate(const json_t* body) {
    const json_t* model = json_object_get(body, "model");
    if (!json_is_string(model) || json_string_length(model) == 0)
        throw http::invalid_request("'model' is required and must be a non-empty string.", "model");
    if (!valid_input(json_object_get(body, "input")))
        throw http::invalid_request(
            "'input' must be a non-empty string, or a non-empty array of strings or of token ids.", "input");
    const json_t* enc = json_object_get(body, "encoding_format");
    if (enc && !json_is_null(enc) &&
        !(json_is_string(enc) && (std::string(json_string_value(enc)) == "float" ||
                                  std::string(json_string_value(enc)) == "base64")))
        throw http::invalid_request("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
    const json_t* dims = json_object_get(body, "dimensions");
    if (dims && !json_is_null(dims) && !(json_is_integer(dims) && json_integer_value(dims) >= 1))
        throw http::invalid_request("'dimensions' must be an integer of at least 1.", "dimensions");
}

}  // namespace

http::Response embeddings(Context& ctx) {
    JsonPtr body = relay::parse_chat_body(ctx.request);
    validate(body.get());
    const providers::Target target = choose_provider(ctx, http::query_param(ctx.request.query, "provider"),
                                                     json_string_value(json_object_get(body.get(), "model")));
    ctx.info->model = target.model;
    require_key_allows(ctx, target.provider->name(), target.model);
    const relay::Deps deps{ctx.services.providers, *ctx.http, ctx.services.metrics, {}};
    relay::EmbeddingsOutcome o = relay::relay_embeddings(
        deps, {body.get(), ctx.request.request_id, ctx.user->id, ctx.key ? ctx.key->id : 0}, target);
    ctx.info->upstream_ms = o.event.upstream_ms;
    // As for chats: committed before the answer when a token quota applies.
    if (ctx.services.limits.has_token_quota(*ctx.user, ctx.key ? &*ctx.key : nullptr))
        ctx.services.usage.record_now(o.event);
    else
        ctx.services.usage.record(o.event);
    return std::move(o.response);
}

}  // namespace llmapi::api::handlers
