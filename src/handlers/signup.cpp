// POST /api/signup/ {"username","password","email"?} -> 201, like the seed's
// ModelSerializer over Django's User: field errors collected per field.
#include "auth/password.h"
#include "auth/validators.h"
#include "db/users.h"
#include "handlers/handlers.h"
#include "http/body.h"
#include "http/fields.h"

namespace llmapi::handlers {

using auth::kEmailMaxLength;
using auth::kPasswordMaxBytes;
using auth::kUsernameMaxLength;

http::Response signup(app::Context& ctx) {
    JsonPtr data = http::parse_body(ctx.request);
    http::require_object(data.get());

    http::FieldErrors errors;
    auto username = http::char_field(data.get(), "username", errors, {true, false, true, kUsernameMaxLength});
    if (username && !auth::valid_username(*username)) errors.add("username", auth::kUsernameMessage);

    auto password = http::char_field(data.get(), "password", errors);
    const size_t min_len = static_cast<size_t>(ctx.services.cfg.auth.min_password_length);
    if (password && http::utf8_length(*password) < min_len)
        errors.add("password", "This password is too short. It must contain at least " + std::to_string(min_len) +
                                   (min_len == 1 ? " character." : " characters."));
    if (password && password->size() > kPasswordMaxBytes)
        errors.add("password", "Ensure this field has no more than " + std::to_string(kPasswordMaxBytes) + " characters.");

    auto email = http::char_field(data.get(), "email", errors, {false, true, true, kEmailMaxLength});
    if (email && !email->empty() && !auth::valid_email(*email)) errors.add("email", "Enter a valid email address.");
    errors.throw_if_any();

    std::string hash;
    {
        SemaphoreGuard gate(ctx.services.hash_gate);
        hash = auth::hash_password(*password);
    }
    if (db::create_user(ctx.services.pool, *username, email.value_or(""), hash) == db::CreateUserResult::Duplicate) {
        errors.add("username", "A user with that username already exists.");
        errors.throw_if_any();
    }
    return http::Response::json_text(201, R"({"message":"User created successfully"})");
}

}  // namespace llmapi::handlers
