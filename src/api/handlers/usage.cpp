// GET /api/usage/?since=&until=&key= : the caller's own usage, totals and
// rows by provider and model and by API key. ISO 8601 bounds, `since`
// inclusive, `until` exclusive; default the last 30 days. `key` narrows it
// all to the requests made with one of the caller's keys.
#include <optional>

#include "api/handlers/handlers.h"
#include "common/datetime.h"
#include "db/api_keys.h"
#include "db/usage.h"
#include "http/errors.h"
#include "http/fields.h"

namespace llmapi::api::handlers {

namespace {

json_t* counts(long requests, long prompt, long completion, json_t* o = json_object()) {
    json_object_set_new(o, "requests", json_integer(requests));
    json_object_set_new(o, "prompt_tokens", json_integer(prompt));
    json_object_set_new(o, "completion_tokens", json_integer(completion));
    json_object_set_new(o, "total_tokens", json_integer(prompt + completion));
    return o;
}

}  // namespace

http::Response usage(Context& ctx) {
    http::FieldErrors errors;
    bool has_since = false, has_until = false;
    const std::string since_s = http::query_param(ctx.request.query, "since", &has_since);
    const std::string until_s = http::query_param(ctx.request.query, "until", &has_until);
    const std::optional<int64_t> until_q = has_until ? parse_iso8601(until_s) : std::nullopt;
    const std::optional<int64_t> since_q = has_since ? parse_iso8601(since_s) : std::nullopt;
    if (has_until && !until_q) errors.add("until", "Enter a valid date/time.");
    if (has_since && !since_q) errors.add("since", "Enter a valid date/time.");
    bool has_key = false;
    const std::string key_s = http::query_param(ctx.request.query, "key", &has_key);
    int64_t key_id = 0;
    if (has_key) {
        if (key_s.empty() || key_s.size() > 18 || key_s.find_first_not_of("0123456789") != std::string::npos)
            errors.add("key", "A valid integer is required.");
        else
            key_id = std::stoll(key_s);
    }
    errors.throw_if_any();
    if (has_key && (key_id == 0 || !db::get_api_key(ctx.services.pool, ctx.user->id, key_id)))
        throw http::detail_error(404, "Not found.");  // another user's key, or none
    const int64_t until = until_q.value_or(now_us());  // to the microsecond: rows of this very second count
    const int64_t since = since_q.value_or(until - 30LL * 86400 * 1000000);

    const auto rows =
        db::usage_by_model(ctx.services.pool, ctx.user->id, sql_datetime(since), sql_datetime(until), key_id);
    long requests = 0, prompt = 0, completion = 0;
    JsonPtr by_model(json_array());
    for (const auto& r : rows) {
        json_t* o = json_object();
        json_object_set_new(o, "provider", json_string(r.provider.c_str()));
        json_object_set_new(o, "model", json_string(r.model.c_str()));
        json_array_append_new(by_model.get(), counts(r.requests, r.prompt_tokens, r.completion_tokens, o));
        requests += r.requests;
        prompt += r.prompt_tokens;
        completion += r.completion_tokens;
    }
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "since", json_string(iso_utc(since).c_str()));
    json_object_set_new(body.get(), "until", json_string(iso_utc(until).c_str()));
    json_object_set_new(body.get(), "totals", counts(requests, prompt, completion));
    json_object_set(body.get(), "by_model", by_model.get());
    JsonPtr by_key(json_array());
    for (const auto& k : db::usage_by_key(ctx.services.pool, ctx.user->id, sql_datetime(since), sql_datetime(until),
                                          key_id)) {
        json_t* o = json_object();
        json_object_set_new(o, "key_id", json_integer(k.key_id));
        json_object_set_new(o, "name", json_string(k.name.c_str()));
        json_object_set_new(o, "prefix", json_string(k.prefix.c_str()));
        json_array_append_new(by_key.get(), counts(k.requests, k.prompt_tokens, k.completion_tokens, o));
    }
    json_object_set(body.get(), "by_key", by_key.get());
    return http::Response::json(200, body.get());
}

}  // namespace llmapi::api::handlers
