#include "api/handlers/handlers.h"
#include "common/json.h"

namespace llmapi::api::handlers {

http::Response me(Context& ctx) {
    const db::User& u = *ctx.user;
    JsonPtr body(json_object());
    json_object_set_new(body.get(), "id", json_integer(u.id));
    json_object_set_new(body.get(), "username", json_string(u.username.c_str()));
    json_object_set_new(body.get(), "email", json_string(u.email.c_str()));
    json_object_set_new(body.get(), "date_joined", json_string(u.date_joined.c_str()));
    return http::Response::json(200, body.get());
}

}  // namespace llmapi::api::handlers
