// simplejwt's views: TokenObtainPairView, TokenRefreshView, TokenBlacklistView.
#include "api/handlers/handlers.h"
#include "auth/password.h"
#include "db/blacklist.h"
#include "db/users.h"
#include "http/body.h"
#include "http/errors.h"
#include "http/fields.h"

namespace llmapi::api::handlers {

namespace {

constexpr const char* kHashesBusy = "Too many logins in progress; try again shortly.";

using auth::TokenType;

// Parses {"refresh": "..."} and checks the token as simplejwt's RefreshToken
// does: signature, expiry, type, then the blacklist. Throws the 400/401.
auth::TokenClaims valid_refresh_token(Context& ctx) {
    JsonPtr data = http::parse_body(ctx.request);
    http::require_object(data.get());
    http::FieldErrors errors;
    auto token = http::char_field(data.get(), "refresh", errors);
    errors.throw_if_any();

    const auth::VerifyResult v = ctx.services.jwt.verify(*token, TokenType::Refresh, ctx.now);
    if (!v.ok()) throw http::unauthorized(v.message, "token_not_valid");
    if (db::is_blacklisted(ctx.services.pool, v.claims.jti))
        throw http::unauthorized("Token is blacklisted", "token_not_valid");
    return v.claims;
}

}  // namespace

http::Response token_obtain(Context& ctx) {
    JsonPtr data = http::parse_body(ctx.request);
    http::require_object(data.get());
    http::FieldErrors errors;
    auto username = http::char_field(data.get(), "username", errors);
    auto password = http::char_field(data.get(), "password", errors);
    errors.throw_if_any();

    std::optional<db::User> user = db::find_user_by_username(ctx.services.pool, *username);
    std::optional<bool> ok = false;
    if (user) ok = ctx.services.passwords.verify(*password, user->password);
    else if (!ctx.services.passwords.burn_time(*password)) ok = std::nullopt;  // same cost for unknown users
    if (!ok) throw http::busy(kHashesBusy);
    if (!*ok || !user->is_active)
        throw http::unauthorized(json_obj1("detail", "No active account found with the given credentials"));

    // Django upgrades a hash made by an older hasher (pbkdf2 from an import)
    // to the preferred one on a successful login; so do we.
    if (user->password.rfind("argon2$argon2id$", 0) != 0)
        if (auto upgraded = ctx.services.passwords.hash(*password))
            db::set_user_password(ctx.services.pool, user->id, *upgraded);  // else: next login

    JsonPtr body(json_object());
    json_object_set_new(body.get(), "refresh",
                        json_string(ctx.services.jwt.issue(TokenType::Refresh, user->id, ctx.now).c_str()));
    json_object_set_new(body.get(), "access",
                        json_string(ctx.services.jwt.issue(TokenType::Access, user->id, ctx.now).c_str()));
    return http::Response::json(200, body.get());
}

http::Response token_refresh(Context& ctx) {
    const auth::TokenClaims claims = valid_refresh_token(ctx);
    std::optional<db::User> user =
        claims.has_user_id ? db::find_user_by_id(ctx.services.pool, claims.user_id) : std::nullopt;
    // simplejwt 5.5 refuses an inactive user's refresh; a deleted one too, here.
    if (!user || !user->is_active)
        throw http::unauthorized("No active account found for the given token.", "no_active_account");

    JsonPtr body(json_object());
    json_object_set_new(body.get(), "access",
                        json_string(ctx.services.jwt.issue(TokenType::Access, user->id, ctx.now).c_str()));
    if (ctx.services.cfg.jwt.rotate_refresh) {
        // Rotation hands out a new refresh token and retires the old one, so a
        // stolen refresh token stops working once its owner refreshes.
        db::blacklist_token(ctx.services.pool, claims.jti, user->id, claims.exp);
        json_object_set_new(body.get(), "refresh",
                            json_string(ctx.services.jwt.issue(TokenType::Refresh, user->id, ctx.now).c_str()));
    }
    return http::Response::json(200, body.get());
}

http::Response token_blacklist(Context& ctx) {
    const auth::TokenClaims claims = valid_refresh_token(ctx);
    if (!db::blacklist_token(ctx.services.pool, claims.jti, claims.user_id, claims.exp))
        throw http::unauthorized("Token is blacklisted", "token_not_valid");
    return http::Response::json_text(200, "{}");
}

}  // namespace llmapi::api::handlers
