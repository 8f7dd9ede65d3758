// POST /api/signup/ {"username","password","email"?} -> 201, like the seed's
// ModelSerializer over Django's User: field errors collected per field.
#include "api/handlers/handlers.h"
#include "auth/user_rules.h"
#include "auth/validators.h"
#include "db/users.h"
#include "http/body.h"
#include "http/errors.h"
#include "http/fields.h"

namespace llmapi::api::handlers {

http::Response signup(Context& ctx) {
    JsonPtr data = http::parse_body(ctx.request);
    http::require_object(data.get());

    http::FieldErrors errors;
    auto username = http::char_field(data.get(), "username", errors, {true, false, true, auth::kUsernameMaxLength});
    if (username)
        if (auto why = auth::username_rule(*username)) errors.add("username", *why);
    auto password = http::char_field(data.get(), "password", errors);
    if (password)
        if (auto why = auth::password_rule(*password, ctx.services.cfg.auth.min_password_length))
            errors.add("password", *why);
    auto email = http::char_field(data.get(), "email", errors, {false, true, true, auth::kEmailMaxLength});
    if (email)
        if (auto why = auth::email_rule(*email)) errors.add("email", *why);
    errors.throw_if_any();

    const std::optional<std::string> hash = ctx.services.passwords.hash(*password);
    if (!hash) throw http::busy("Too many signups in progress; try again shortly.");
    if (db::create_user(ctx.services.pool, *username, email.value_or(""), *hash) == db::CreateUserResult::Duplicate) {
        errors.add("username", "A user with that username already exists.");
        errors.throw_if_any();
    }
    return http::Response::json_text(201, R"({"message":"User created successfully"})");
}

}  // namespace llmapi::api::handlers
