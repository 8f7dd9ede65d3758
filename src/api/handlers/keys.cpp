// /api/keys/ (API.md section 8): a user's personal API keys. Create (the key
// is in that answer only), list, show, revoke. Access tokens only: the route
// table refuses API keys here, so a leaked key cannot mint more.
#include "api/handlers/handlers.h"
#include "api/handlers/key_fields.h"
#include "auth/api_key.h"
#include "common/datetime.h"
#include "db/api_keys.h"
#include "http/body.h"
#include "http/errors.h"
#include "http/fields.h"

namespace llmapi::api::handlers {

namespace {

json_t* nullable_string(const std::string& s) { return s.empty() ? json_null() : json_string(s.c_str()); }
json_t* nullable_list(const std::optional<std::vector<std::string>>& list) {
    if (!list) return json_null();
    json_t* a = json_array();
    for (const auto& s : *list) json_array_append_new(a, json_string(s.c_str()));
    return a;
}
json_t* nullable_count(long v) { return v < 0 ? json_null() : json_integer(v); }

JsonPtr key_json(const db::ApiKey& k, bool with_revoked, const std::string& secret = "") {
    JsonPtr o(json_object());
    json_object_set_new(o.get(), "id", json_integer(k.id));
    json_object_set_new(o.get(), "name", json_string(k.name.c_str()));
    if (!secret.empty()) json_object_set_new(o.get(), "key", json_string(secret.c_str()));
    json_object_set_new(o.get(), "prefix", json_string(k.prefix.c_str()));
    json_object_set_new(o.get(), "created_at", json_string(k.created_at.c_str()));
    json_object_set_new(o.get(), "expires_at", nullable_string(k.expires_at));
    json_object_set_new(o.get(), "last_used_at", nullable_string(k.last_used_at));
    if (with_revoked) json_object_set_new(o.get(), "revoked_at", nullable_string(k.revoked_at));
    json_object_set_new(o.get(), "providers", nullable_list(k.providers));
    json_object_set_new(o.get(), "models", nullable_list(k.models));
    json_object_set_new(o.get(), "requests_per_minute", nullable_count(k.requests_per_minute));
    json_object_set_new(o.get(), "tokens_per_day", nullable_count(k.tokens_per_day));
    return o;
}

int64_t key_id(const Context& ctx) {
    // The router matched 1-18 digits.
    return std::stoll(ctx.path_params.at(0));
}

}  // namespace

http::Response keys_create(Context& ctx) {
    JsonPtr data = http::parse_body(ctx.request);
    http::require_object(data.get());
    std::vector<std::string> configured;
    for (const auto& n : ctx.services.providers.names())
        if (ctx.services.providers.find(n)->configured()) configured.push_back(n);
    http::FieldErrors errors;
    db::NewKeyRow row = read_new_key(data.get(), configured, now_us(), errors);
    errors.throw_if_any();
    row.user_id = ctx.user->id;

    const auth::NewApiKey fresh = auth::generate_api_key();
    row.hash = fresh.hash;
    row.prefix = fresh.prefix;
    const long max_live = ctx.services.cfg.auth.max_keys_per_user;
    const db::CreateKeyResult r = db::create_api_key(ctx.services.pool, row, max_live, ctx.now);
    switch (r.status) {
        case db::CreateKeyStatus::NameTaken:
            errors.add("name", "You already have an active API key with this name.");
            errors.throw_if_any();
            break;
        case db::CreateKeyStatus::TooMany:
            errors.add("non_field_errors", "You already have " + std::to_string(max_live) +
                                               " active API keys; revoke one first.");
            errors.throw_if_any();
            break;
        case db::CreateKeyStatus::Created: break;
    }
    return http::Response::json(201, key_json(*r.key, false, fresh.key).get());
}

http::Response keys_list(Context& ctx) {
    JsonPtr keys(json_array());
    for (const auto& k : db::list_api_keys(ctx.services.pool, ctx.user->id))
        json_array_append_new(keys.get(), key_json(k, true).release());
    JsonPtr body(json_object());
    json_object_set(body.get(), "keys", keys.get());
    return http::Response::json(200, body.get());
}

http::Response keys_get(Context& ctx) {
    const std::optional<db::ApiKey> k = db::get_api_key(ctx.services.pool, ctx.user->id, key_id(ctx));
    if (!k) throw http::detail_error(404, "Not found.");
    return http::Response::json(200, key_json(*k, true).get());
}

http::Response keys_revoke(Context& ctx) {
    if (!db::revoke_api_key(ctx.services.pool, ctx.user->id, key_id(ctx))) throw http::detail_error(404, "Not found.");
    return http::Response::no_content();
}

}  // namespace llmapi::api::handlers
